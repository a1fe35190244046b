package io.haloconnector.hec;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Indexer acknowledgement: keeps every batch HEC accepted until /services/collector/ack says
 * true for its ackId, polling every hec.ack.pollInterval on the sink's channel, and resends a
 * batch whose ack has not come within hec.ack.timeout. One per page being delivered.
 */
final class HecAckTracker {

    private static final Logger LOG = LoggerFactory.getLogger(HecAckTracker.class);

    private final HecSettings settings;
    private final HecClient client;
    private final HecBatchSender sender;
    private final StopSignal stop;
    private final List<HecBatchSender.SentBatch> pending = new ArrayList<>();
    // shared by the trackers of the pages in flight: the warning is said once
    private final AtomicBoolean warnedNoAckId;

    HecAckTracker(HecSettings settings, HecClient client, HecBatchSender sender, StopSignal stop, AtomicBoolean warnedNoAckId) {
        this.settings = settings;
        this.client = client;
        this.sender = sender;
        this.stop = stop;
        this.warnedNoAckId = warnedNoAckId;
    }

    void track(List<HecBatchSender.SentBatch> sent) {
        for (HecBatchSender.SentBatch batch : sent) {
            if (batch.ackId() != null) {
                pending.add(batch);
            } else if (warnedNoAckId.compareAndSet(false, true)) {
                LOG.warn("hec.ack=true but HEC answered without an ackId: the token does not have indexer acknowledgement on; "
                        + "events count as delivered when accepted");
            }
        }
    }

    /** A failed page's batches: the page is delivered again, so their acks no longer matter. */
    void forget() {
        pending.clear();
    }

    int pendingBatches() {
        return pending.size();
    }

    /** Blocks until every tracked batch is acked, resending the ones that time out. */
    void awaitAll() throws InterruptedException, IOException {
        while (!pending.isEmpty()) {
            stop.sleep(settings.ackPollInterval());
            poll();
            resendExpired();
        }
    }

    private void poll() throws InterruptedException, HecSinkClosedException {
        HecAnswer answer = client.ack(pending.stream().map(HecBatchSender.SentBatch::ackId).toList());
        JsonNode acks = answer.json() == null ? null : answer.json().get("acks");
        if (answer.status() != 200 || acks == null || !acks.isObject()) {
            if (HecOutcome.of(answer) == HecOutcome.CONFIGURATION && answer.answered()) {
                LOG.error("{}; polling again in {} ms", sender.configurationProblem(answer), settings.ackPollInterval().toMillis());
            } else if (!answer.answered()) {
                // no answer at all: an ERROR that names HEC's address, as for the event POSTs
                LOG.error("HEC ack poll at {} gave {}: check hec.url and that HEC runs; polling again in {} ms",
                        sender.receiver(), sender.redact(answer.describe()), settings.ackPollInterval().toMillis());
            } else {
                LOG.warn("HEC ack poll answered {}; polling again in {} ms", sender.redact(answer.describe()),
                        settings.ackPollInterval().toMillis());
            }
            return;
        }
        for (Iterator<HecBatchSender.SentBatch> it = pending.iterator(); it.hasNext(); ) {
            if (acks.path(String.valueOf(it.next().ackId())).asBoolean(false)) {
                it.remove();
            }
        }
    }

    private void resendExpired() throws InterruptedException, IOException {
        long now = System.nanoTime();
        List<HecBatchSender.SentBatch> expired = new ArrayList<>();
        for (Iterator<HecBatchSender.SentBatch> it = pending.iterator(); it.hasNext(); ) {
            HecBatchSender.SentBatch batch = it.next();
            if (now - batch.sentAtNanos() >= settings.ackTimeout().toNanos()) {
                expired.add(batch);
                it.remove();
            }
        }
        for (HecBatchSender.SentBatch batch : expired) {
            LOG.warn("HEC did not acknowledge ackId {} ({} events) within {} ms; resending it", batch.ackId(),
                    batch.batch().size(), settings.ackTimeout().toMillis());
            track(sender.resend(batch.batch()));
        }
    }
}
