package io.haloconnector.hec;

import io.haloconnector.config.HecSettings;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Delivers Halo events to Splunk's HTTP Event Collector in batches (by count and by bytes,
 * gzipped). {@link #flush()} returns only when HEC has taken every event written (acked too
 * when hec.ack is on); until then it retries, blocking the route, which is the backpressure
 * that stops polling Halo while HEC is down. Malformed events go to
 * {@code stateDir/hec-dead-letter.jsonl}. {@link #close()} ends any wait at once by making the
 * blocked call throw. Not thread-safe, except {@link #close()}. Settings: see {@link HecSettings}.
 */
public final class HecEventSink implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(HecEventSink.class);
    /** With ack on, wait for acks once this many batches are unacked, so memory stays bounded within a page. */
    private static final int MAX_UNACKED_BATCHES = 16;

    private final HecSettings settings;
    private final HecEnvelopeEncoder encoder;
    private final HecBatchSender sender;
    private final HecAckTracker acks;
    private final StopSignal stop = new StopSignal();
    private List<HecBatch.Entry> batch = new ArrayList<>();
    private long batchBytes;

    public HecEventSink(HecSettings settings, Path stateDir) {
        this(settings, stateDir, HecObserver.NONE);
    }

    /** As above, telling {@code observer} what HEC answers (metrics, readiness). */
    public HecEventSink(HecSettings settings, Path stateDir, HecObserver observer) {
        this.settings = settings;
        if (settings.insecure()) {
            LOG.warn("hec.tls.insecure=true: the HEC certificate and host name are NOT verified; use it only on a test setup");
        }
        UUID channel = UUID.randomUUID();
        HecClient client = new HecClient(settings, channel, stop);
        this.encoder = new HecEnvelopeEncoder(settings);
        this.sender = new HecBatchSender(settings, client, new HecDeadLetters(stateDir), stop, observer);
        this.acks = new HecAckTracker(settings, client, sender, stop);
        LOG.info("HEC output to {} (index {}, sourcetype {}, batches of {} events / {} bytes, gzip {}, ack {})",
                settings.url(), settings.index().orElse("<token default>"), settings.sourcetype(), settings.batchEvents(),
                settings.batchBytes(), settings.gzip(), settings.ack() ? "on, channel " + channel : "off");
    }

    @Override
    public String name() {
        return "hec";
    }

    @Override
    public void write(HaloEvent event) throws Exception {
        stop.check();
        HecBatch.Entry entry = new HecBatch.Entry(event, encoder.encode(event));
        if (!batch.isEmpty() && (batch.size() + 1 > settings.batchEvents()
                || batchBytes + entry.envelope().length > settings.batchBytes())) {
            sendBatch();
        }
        batch.add(entry);
        batchBytes += entry.envelope().length;
    }

    @Override
    public String flush() throws Exception {
        stop.check();
        if (!batch.isEmpty()) {
            sendBatch();
        }
        if (settings.ack()) {
            acks.awaitAll();
        }
        return null;
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

    /** Ends any retry or wait at once (the blocked write/flush throws); unflushed events are dropped, as the checkpoint did not move. */
    @Override
    public void discard() {
        // batches already accepted stay (HEC has no transactions); the unsent rest is fetched again
        batch = new ArrayList<>();
        batchBytes = 0;
    }

    @Override
    public void close() {
        stop.stop();
    }

    @Override
    public String toString() {
        return "HecEventSink[" + settings.url() + "]";
    }
}
