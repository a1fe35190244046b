package io.haloconnector.hec;

import io.haloconnector.config.HttpComponentDefaults;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.http.RequestDeadlines;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.PageHeaders;
import io.haloconnector.retry.AdaptiveConcurrency;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.impl.engine.DefaultProducerTemplate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HEC output route's delivery step: POSTs a page's events to Splunk's HTTP Event Collector
 * in batches (by count and by bytes, gzipped) through the HEC request route, and returns only
 * when HEC has taken every one (acked too when hec.ack is on); until then it retries, blocking
 * the route, which is the backpressure that stops polling Halo while HEC is down. An exception
 * (the connector is stopping) leaves the page uncommitted. From the stop on a page already handed
 * over still sends all its batches (it is finished so it can be committed), but a batch that fails
 * is not retried: the page comes again after the restart. Malformed events go to
 * {@code stateDir/hec-dead-letter.jsonl}. {@link #close()} ends any wait at once by making the
 * blocked call throw. The route calls {@link #process} for up to {@code hec.maxInFlight} pages at
 * once, each on its own thread with its own batches; {@link #write}, {@link #flush} and
 * {@link #discard} are one page's calls for one thread. Settings: see {@link HecSettings}.
 */
public final class HecDelivery implements Processor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HecDelivery.class);
    /** The HEC request route's endpoint. */
    public static final String REQUESTS = "direct:hec-request";
    /** With ack on, wait for acks once this many batches are unacked, so memory stays bounded within a page. */
    private static final int MAX_UNACKED_BATCHES = 16;

    private final HecSettings settings;
    private final HecEnvelopeEncoder encoder;
    /** Encoders of the accounts that set their own index, source or sourcetype, by those three. */
    private final Map<List<String>, HecEnvelopeEncoder> accountEncoders = new ConcurrentHashMap<>();
    private final HecBatchSender sender;
    private final HecClient client;
    private final AdaptiveConcurrency inFlight;
    private final StopSignal stop = new StopSignal();
    // set when the connector begins to stop: a batch of a page handed over is still sent, a failed one is not retried
    private final StopSignal retries = new StopSignal();
    private final AtomicBoolean warnedNoAckId = new AtomicBoolean();
    private final HecDeadLetters deadLetters;
    /** The batches of {@link #write} and {@link #flush}. */
    private final PageBatches calls;

    /**
     * Sends through {@code requests}, the HEC request route's endpoint, and tells {@code observer}
     * what HEC answers (metrics, readiness); round-trip times, 503 and 429 set {@code inFlight}.
     */
    public HecDelivery(HecSettings settings, Path stateDir, HecObserver observer, ProducerTemplate template, Endpoint requests,
                       AdaptiveConcurrency inFlight) {
        this.settings = settings;
        if (settings.insecure()) {
            LOG.warn("hec.tls.insecure=true: the HEC certificate and host name are NOT verified; use it only on a test setup");
        }
        UUID channel = UUID.randomUUID();
        this.inFlight = inFlight;
        this.client = new HecClient(settings, channel, stop, template, requests);
        this.encoder = new HecEnvelopeEncoder(settings);
        this.deadLetters = new HecDeadLetters(stateDir);
        this.sender = new HecBatchSender(settings, client, deadLetters, stop, retries, observer, inFlight);
        this.calls = new PageBatches(encoder);
        LOG.info("HEC output to {} (index {}, sourcetype {}, batches of {} events / {} bytes, gzip {}, ack {}, pages in flight: {})",
                settings.url(), settings.index().orElse("<token default>"), settings.sourcetype(), settings.batchEvents(),
                settings.batchBytes(), settings.gzip(), settings.ack() ? "on, channel " + channel : "off",
                inFlight.isAdaptive() ? "up to " + settings.maxInFlight() + ", following HEC's round-trip time"
                        : settings.maxInFlight() + " (hec.adaptiveConcurrency=false)");
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        // batches of this page only: other pages are sent meanwhile on other threads
        PageBatches page = new PageBatches(encoderFor(exchange.getMessage()));
        try {
            for (HaloEvent event : exchange.getMessage().getMandatoryBody(EventBatch.class)) {
                page.write(event);
            }
            page.flush();
        } catch (Exception e) {
            page.discard();
            throw e;
        }
    }

    /** The page's account's index, source and sourcetype (headers set by the poll route), or the hec.* settings. */
    private HecEnvelopeEncoder encoderFor(Message page) {
        String index = page.getHeader(PageHeaders.INDEX, String.class);
        String source = page.getHeader(PageHeaders.SOURCE, String.class);
        String sourcetype = page.getHeader(PageHeaders.SOURCETYPE, String.class);
        if (index == null && source == null && sourcetype == null) {
            return encoder;
        }
        return accountEncoders.computeIfAbsent(Arrays.asList(index, source, sourcetype),
                key -> new HecEnvelopeEncoder(settings, index, source, sourcetype));
    }

    /**
     * Binds what the HEC output route refers to: {@code hecDelivery}, {@code hecTls},
     * {@code hecHostnames}, and {@code hec.url} as validated (no trailing slash or
     * /services/collector); the context stops the request template with itself.
     */
    public static HecDelivery bind(CamelContext context, HecSettings settings, Path stateDir, HecObserver observer)
            throws Exception {
        return bind(context, settings, stateDir, observer, settings.adaptiveConcurrency()
                ? AdaptiveConcurrency.adaptive(settings.maxInFlight(), System::nanoTime)
                : AdaptiveConcurrency.pinned(settings.maxInFlight()));
    }

    /** As {@link #bind(CamelContext, HecSettings, Path, HecObserver)}, with the pages in flight set by {@code inFlight}. */
    public static HecDelivery bind(CamelContext context, HecSettings settings, Path stateDir, HecObserver observer,
                                   AdaptiveConcurrency inFlight) throws Exception {
        HttpComponentDefaults.applyTo(context);
        // the request route reads the URL and the timeouts as validated: {{bean:hecSettings.baseUrl}}, ...timeoutMillis
        context.getRegistry().bind("hecSettings", settings);
        // those bound each wait for a byte; the route's httpClientConfigurer bounds the whole request
        RequestDeadlines deadlines = RequestDeadlines.of(context);
        context.getRegistry().bind("hecRequestDeadline", deadlines.limit(settings.timeout(), "hec.timeout"));
        if ("https".equals(settings.url().getScheme())) {
            context.getRegistry().bind("hecTls", HecTls.contextParameters(settings));
            context.getRegistry().bind("hecHostnames", HecTls.hostnameVerifier(settings));
            context.getPropertiesComponent().addOverrideProperty("hec.tls.contextParameters", "#hecTls");
            context.getPropertiesComponent().addOverrideProperty("hec.tls.hostnameVerifier", "#hecHostnames");
        }
        // one request thread per page in flight (a page sends one request at a time)
        AtomicInteger threads = new AtomicInteger();
        ExecutorService requestThreads = Executors.newFixedThreadPool(settings.maxInFlight(), runnable -> {
            Thread thread = new Thread(runnable, "hec-request-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        DefaultProducerTemplate template = new DefaultProducerTemplate(context, requestThreads);
        context.addService(template);
        HecDelivery delivery = new HecDelivery(settings, stateDir, observer, template, context.getEndpoint(REQUESTS), inFlight);
        context.getRegistry().bind("hecDelivery", delivery);
        // once it has waited long enough for the batches in flight, a stop ends every wait
        deadlines.onStopAbort(delivery::close);
        return delivery;
    }

    /** Takes one event into the current batch, sending the batch first when the event would not fit. */
    public void write(HaloEvent event) throws Exception {
        calls.write(event);
    }

    /** Sends what is batched and waits for the acks: everything written so far is in HEC when it returns. */
    public String flush() throws Exception {
        calls.flush();
        return null;
    }

    /** Drops the unsent rest of a failed page: the checkpoint did not move, so the page is delivered again. */
    public void discard() {
        calls.discard();
    }

    /** One page's batches and unacked batches, on the thread delivering it. */
    private final class PageBatches {
        private final HecEnvelopeEncoder encoder;
        private final HecAckTracker acks = new HecAckTracker(settings, client, sender, stop, warnedNoAckId);
        private List<HecBatch.Entry> batch = new ArrayList<>();
        private long batchBytes;

        PageBatches(HecEnvelopeEncoder encoder) {
            this.encoder = encoder;
        }

        void write(HaloEvent event) throws Exception {
            // not retries: a page handed over sends all its batches, also once the connector is stopping, so it can be committed
            stop.check();
            HecBatch.Entry entry = new HecBatch.Entry(event, encoder.encode(event));
            if (!batch.isEmpty() && (batch.size() + 1 > settings.batchEvents()
                    || batchBytes + entry.envelope().length > settings.batchBytes())) {
                sendBatch();
            }
            batch.add(entry);
            batchBytes += entry.envelope().length;
        }

        void flush() throws Exception {
            stop.check();
            if (!batch.isEmpty()) {
                sendBatch();
            }
            if (settings.ack()) {
                acks.awaitAll();
            }
        }

        private void sendBatch() throws Exception {
            HecBatch full = new HecBatch(batch);
            batch = new ArrayList<>();
            batchBytes = 0;
            List<HecBatchSender.SentBatch> sent = sender.send(full);
            if (settings.ack()) {
                acks.track(sent);
                if (acks.pendingBatches() >= MAX_UNACKED_BATCHES) {
                    acks.awaitAll();
                }
            }
        }

        void discard() {
            // batches already accepted stay (HEC has no transactions); the unsent rest is fetched again
            batch = new ArrayList<>();
            batchBytes = 0;
            acks.forget();
        }
    }

    /** How many pages may be in flight now: up to hec.maxInFlight, following HEC's round-trip time, 503 and 429. */
    public AdaptiveConcurrency pagesInFlight() {
        return inFlight;
    }

    /**
     * From now on no batch is sent again (retry, resend after an ack timeout); the batches of the
     * pages handed over are still sent once, so those pages can be committed. The connector calls
     * it when its stop begins.
     */
    public void stopRetries() {
        retries.stop();
    }

    /** The events HEC refused as malformed that the dead-letter file holds now (read from the file: a replay removes lines). */
    public long deadLetterCount() throws java.io.IOException {
        return deadLetters.count();
    }

    /** The file of the events HEC refused as malformed, in halo.state.dir. */
    public Path deadLetterFile() {
        return deadLetters.file();
    }

    /** Ends any retry or wait at once (the blocked call throws). */
    @Override
    public void close() {
        retries.stop();
        stop.stop();
    }

    @Override
    public String toString() {
        return "HecDelivery[" + settings.url() + "]";
    }
}
