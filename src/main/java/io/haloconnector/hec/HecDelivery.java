package io.haloconnector.hec;

import io.haloconnector.halo.HaloEvent;
import io.haloconnector.http.RequestDeadlines;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.PageHeaders;
import io.haloconnector.output.PageTurn;
import io.haloconnector.retry.AdaptiveConcurrency;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HEC output route's bean {@code hecDelivery}: its loop sends one request at a time for each
 * page to {@code direct:hec-request}, and these two steps decide. {@link #batchesOf} starts a page
 * (its events cut into batches by count and bytes, gzipped) and sets its first request;
 * {@link #readAnswer} reads each answer (retry waits, health waits, dead letters, acks) and sets
 * the next request, or none once HEC has taken every event (acked too when hec.ack is on). Until
 * then the page's thread waits in the loop, which is the backpressure that stops polling Halo
 * while HEC is down. An exception (the connector is stopping) leaves the page uncommitted. From the
 * stop on a page already handed over still sends all its batches (it is finished so it can be
 * committed), but a batch that fails is not retried: the page comes again after the restart.
 * Malformed events go to {@code stateDir/hec-dead-letter.jsonl}. {@link #close()} ends any wait
 * at once by making the waiting step throw. Up to {@code hec.maxInFlight} pages run the loop at
 * once, each on its own thread with its own {@link HecPageDelivery}. Settings: see {@link HecSettings}.
 */
public final class HecDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HecDelivery.class);
    /** The camel-http component instance the HEC request route sends with: TLS as hec.tls.* says for an https hec.url. */
    public static final String HTTP_COMPONENT = "hec-http";
    /** Exchange property: the page's {@link HecPageDelivery}. */
    static final String PAGE = "hecPage";
    /** Exchange property: the request the loop sends next, null once the page is delivered. */
    static final String REQUEST = "hecRequest";
    /** Exchange property the request route appends to {@code hec.url/services/collector/}. */
    static final String PATH = "hecPath";
    /** Exchange property: why a request got no answer (the request route's doCatch sets it). */
    static final String FAILURE = "hecFailure";

    private final HecSettings settings;
    private final HecEnvelopeEncoder encoder;
    /** Encoders of the accounts that set their own index, source or sourcetype, by those three. */
    private final Map<List<String>, HecEnvelopeEncoder> accountEncoders = new ConcurrentHashMap<>();
    private final HecBatchSender sender;
    private final AdaptiveConcurrency inFlight;
    private final String channel;
    private final StopSignal stop = new StopSignal();
    // set when the connector begins to stop: a batch of a page handed over is still sent, a failed one is not retried
    private final StopSignal retries = new StopSignal();
    private final AtomicBoolean warnedNoAckId = new AtomicBoolean();
    private final HecDeadLetters deadLetters;
    /** Aborts the HEC requests in flight on close. */
    private final RequestDeadlines.Limit requestDeadline;

    /**
     * Tells {@code observer} what HEC answers (metrics, readiness); 503 and 429 set {@code inFlight};
     * {@code requestDeadline} bounds each request, and {@link #close()} aborts the ones in flight with it.
     */
    public HecDelivery(HecSettings settings, Path stateDir, HecObserver observer, AdaptiveConcurrency inFlight,
                       RequestDeadlines.Limit requestDeadline) {
        this.settings = settings;
        if (settings.insecure()) {
            LOG.warn("hec.tls.insecure=true: the HEC certificate and host name are NOT verified; use it only on a test setup");
        }
        UUID channel = UUID.randomUUID();
        this.channel = channel.toString();
        this.inFlight = inFlight;
        this.requestDeadline = requestDeadline;
        this.encoder = new HecEnvelopeEncoder(settings);
        this.deadLetters = new HecDeadLetters(stateDir);
        this.sender = new HecBatchSender(settings, deadLetters, stop, retries, observer, inFlight);
        LOG.info("HEC output to {} (index {}, sourcetype {}, batches of {} events / {} bytes, gzip {}, ack {}, pages in flight: {})",
                settings.url(), settings.index().orElse("<token default>"), settings.sourcetype(), settings.batchEvents(),
                settings.batchBytes(), settings.gzip(), settings.ack() ? "on, channel " + channel : "off",
                inFlight.isAdaptive() ? "up to " + settings.maxInFlight() + ", following HEC's round-trip time"
                        : settings.maxInFlight() + " (hec.adaptiveConcurrency=false)");
    }

    /**
     * The route's first step: the page (body {@link EventBatch}) becomes this page's delivery state
     * (exchange property {@value #PAGE}), and its first request is set on the exchange (none for a
     * page without events).
     */
    public void batchesOf(Exchange exchange) throws Exception {
        stop.check();
        Message message = exchange.getMessage();
        List<HaloEvent> events = message.getMandatoryBody(EventBatch.class);
        HecPageDelivery page = new HecPageDelivery(settings, encoderFor(message), sender,
                new HecAckTracker(settings, sender, stop, retries, warnedNoAckId), stop, events, message.getBody(),
                new HashMap<>(message.getHeaders()));
        exchange.setProperty(PAGE, page);
        setRequest(exchange, page, page.next());
    }

    /**
     * The route's step before the page's first request: waits for the page's turn ({@link PageTurn}) while
     * HEC has as many pages uncommitted as it may take now; an exchange without a turn (a replay) goes at once.
     * Sets {@link PageTurn#WITHDRAWN} when a stop came first.
     */
    public void awaitTurn(Exchange exchange) throws InterruptedException {
        PageTurn turn = exchange.getProperty(PageTurn.PROPERTY, PageTurn.class);
        exchange.setProperty(PageTurn.WITHDRAWN, turn != null && !turn.await());
    }

    /**
     * The loop's step after each request: reads HEC's answer (waiting before a retry or a health
     * check), then sets the page's next request, or none once the page is delivered (the page's
     * body and headers are given back then).
     */
    public void readAnswer(Exchange exchange) throws Exception {
        HecPageDelivery page = exchange.getProperty(PAGE, HecPageDelivery.class);
        HecAnswer answer = answerOf(exchange);
        if (!answer.answered() && stop.isStopped()) {
            throw new HecSinkClosedException(); // aborted by close: not a failure of HEC's
        }
        page.answered(answer);
        setRequest(exchange, page, page.next());
    }

    private void setRequest(Exchange exchange, HecPageDelivery page, HecRequest request) {
        Message message = exchange.getMessage();
        exchange.removeProperty(FAILURE);
        if (request == null) {
            exchange.removeProperty(REQUEST);
            exchange.removeProperty(PATH);
            exchange.removeProperty(PAGE);
            message.setHeaders(page.pageHeaders());
            message.setBody(page.pageBody());
            return;
        }
        // only the request's own headers: camel-http sends the message's headers to HEC
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_METHOD, request.kind().method);
        message.setHeader("Authorization", "Splunk " + settings.token());
        if (settings.ack()) {
            message.setHeader("X-Splunk-Request-Channel", channel);
        }
        message.setBody(request.body(settings.gzip()));
        exchange.setProperty(PATH, request.kind().path);
        exchange.setProperty(REQUEST, request);
    }

    /** What HEC answered to the request just sent: the status, body and Retry-After, or why no answer came. */
    private static HecAnswer answerOf(Exchange exchange) {
        Exception failure = exchange.getProperty(FAILURE, Exception.class);
        if (failure != null) {
            return HecAnswer.failed(failure);
        }
        Message answer = exchange.getMessage();
        int status = answer.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] bytes = answer.getBody(byte[].class);
        return HecAnswer.of(status, bytes == null ? new byte[0] : bytes,
                Optional.ofNullable(answer.getHeader("Retry-After", String.class)));
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
     * Binds what the HEC output routes refer to: {@code hecDelivery}, {@code hecSettings} (hec.url
     * as validated, without a trailing slash or /services/collector), {@code hecRequestDeadline},
     * and the camel-http component {@value #HTTP_COMPONENT}.
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
        context.addComponent(HTTP_COMPONENT, httpComponent(settings));
        // the request route reads the URL and the timeouts as validated: {{bean:hecSettings.address}}, ...timeoutMillis
        context.getRegistry().bind("hecSettings", settings);
        // those bound each wait for a byte; the route's httpClientConfigurer bounds the whole request
        RequestDeadlines deadlines = RequestDeadlines.of(context);
        RequestDeadlines.Limit requestDeadline = deadlines.limit(settings.timeout(), "hec.timeout");
        context.getRegistry().bind("hecRequestDeadline", requestDeadline);
        // the output route's turn step holds the page handed over beyond the limit until one is committed
        HecDelivery delivery = new HecDelivery(settings, stateDir, observer, inFlight.withOnePageWaiting(), requestDeadline);
        context.getRegistry().bind("hecDelivery", delivery);
        // once it has waited long enough for the batches in flight, a stop ends every wait (and aborts the requests itself)
        deadlines.onStopAbort(delivery::endWaits);
        return delivery;
    }

    /**
     * HEC's own camel-http component: TLS (hec.tls.*) when hec.url is https, plain HTTP otherwise
     * (camel-http speaks TLS to any URL once it has an SSLContextParameters); no automatic retries
     * (HttpClient would repeat a 429 or 503 unseen) and no redirects (they would carry the token elsewhere).
     */
    static HttpComponent httpComponent(HecSettings settings) {
        HttpComponent http = new HttpComponent();
        http.setAutomaticRetriesDisabled(true);
        http.setRedirectHandlingDisabled(true);
        if ("https".equalsIgnoreCase(settings.url().getScheme())) {
            http.setSslContextParameters(HecTls.contextParameters(settings));
            http.setX509HostnameVerifier(HecTls.hostnameVerifier(settings));
        }
        return http;
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

    /** Ends any retry or wait at once (the waiting step throws), and aborts the HEC requests in flight. */
    @Override
    public void close() {
        endWaits();
        requestDeadline.abort("aborted: the HEC output was closed");
    }

    /** Ends any retry or wait at once: the waiting step throws. */
    private void endWaits() {
        retries.stop();
        stop.stop();
    }

    @Override
    public String toString() {
        return "HecDelivery[" + settings.url() + "]";
    }
}
