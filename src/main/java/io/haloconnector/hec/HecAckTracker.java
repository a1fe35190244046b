package io.haloconnector.hec;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Indexer acknowledgement: keeps every batch HEC accepted until /services/collector/ack says
 * true for its ackId, polled every hec.ack.pollInterval on the sink's channel, and hands back for
 * resending a batch whose ack has not come within hec.ack.timeout. One per page being delivered.
 */
final class HecAckTracker {

    private static final Logger LOG = LoggerFactory.getLogger(HecAckTracker.class);

    private final HecSettings settings;
    private final HecBatchSender sender;
    private final StopSignal stop;
    private final StopSignal retries;
    private final List<HecBatchSender.SentBatch> pending = new ArrayList<>();
    // shared by the trackers of the pages in flight: the warning is said once
    private final AtomicBoolean warnedNoAckId;

    HecAckTracker(HecSettings settings, HecBatchSender sender, StopSignal stop, StopSignal retries, AtomicBoolean warnedNoAckId) {
        this.settings = settings;
        this.sender = sender;
        this.stop = stop;
        this.retries = retries;
        this.warnedNoAckId = warnedNoAckId;
    }

    void track(HecBatchSender.SentBatch batch) {
        if (batch.ackId() != null) {
            pending.add(batch);
        } else if (warnedNoAckId.compareAndSet(false, true)) {
            LOG.warn("hec.ack=true but HEC answered without an ackId: the token does not have indexer acknowledgement on; "
                    + "events count as delivered when accepted");
        }
    }

    int pendingBatches() {
        return pending.size();
    }

    /** The next ack poll, after hec.ack.pollInterval (a close ends the wait: throws). */
    HecRequest poll() throws InterruptedException, HecSinkClosedException {
        stop.sleep(settings.ackPollInterval());
        return HecRequest.acks(pending.stream().map(HecBatchSender.SentBatch::ackId).toList());
    }

    /**
     * Reads the ack poll's answer: drops the batches acknowledged, and returns the ones whose ack
     * did not come within hec.ack.timeout, to send again (a retry, so it throws once the connector is stopping).
     */
    List<HecBatch> answer(HecAnswer answer) throws HecSinkClosedException {
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
        } else {
            pending.removeIf(batch -> acks.path(String.valueOf(batch.ackId())).asBoolean(false));
        }
        return expired();
    }

    private List<HecBatch> expired() throws HecSinkClosedException {
        long now = System.nanoTime();
        List<HecBatch> expired = new ArrayList<>();
        for (Iterator<HecBatchSender.SentBatch> it = pending.iterator(); it.hasNext(); ) {
            HecBatchSender.SentBatch batch = it.next();
            if (now - batch.sentAtNanos() >= settings.ackTimeout().toNanos()) {
                retries.check();
                LOG.warn("HEC did not acknowledge ackId {} ({} events) within {} ms; resending it", batch.ackId(),
                        batch.batch().size(), settings.ackTimeout().toMillis());
                expired.add(batch.batch());
                it.remove();
            }
        }
        return expired;
    }
}
