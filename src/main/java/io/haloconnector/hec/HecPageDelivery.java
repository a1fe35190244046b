package io.haloconnector.hec;

import io.haloconnector.halo.HaloEvent;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One page's HEC delivery, driven by the HEC output route's loop: which request comes next
 * ({@link #next}) and what each answer means ({@link #answered}). The page's events are encoded
 * into batches one batch at a time (by hec.batch.events and hec.batch.bytes), so a page holds one
 * encoded batch while HEC is down; each batch is sent until HEC takes it (split when it holds a
 * malformed event), and with hec.ack its ack is awaited once {@value #MAX_UNACKED_BATCHES}
 * batches are unacked and at the end of the page. The page is delivered when {@link #next}
 * returns null. Used by the page's own thread only.
 */
final class HecPageDelivery {

    /** With ack on, wait for acks once this many batches are unacked, so memory stays bounded within a page. */
    static final int MAX_UNACKED_BATCHES = 16;

    private final HecSettings settings;
    private final HecEnvelopeEncoder encoder;
    private final HecBatchSender sender;
    private final HecAckTracker acks;
    private final StopSignal stop;
    private final List<HaloEvent> events;
    /** The page's message as the output route got it: given back when the page is delivered. */
    private final Object pageBody;
    private final Map<String, Object> pageHeaders;
    private int nextEvent;
    /** An event encoded that did not fit the last batch: the first of the next. */
    private HecBatch.Entry carried;
    /** Parts of a split batch and batches to resend: sent before anything else. */
    private final Deque<HecBatch> unfinished = new ArrayDeque<>();
    private HecBatchSender.Attempt attempt;
    private boolean awaitingAcks;
    private HecRequest request;
    private long sentAtNanos;

    HecPageDelivery(HecSettings settings, HecEnvelopeEncoder encoder, HecBatchSender sender, HecAckTracker acks, StopSignal stop,
                    List<HaloEvent> events, Object pageBody, Map<String, Object> pageHeaders) {
        this.settings = settings;
        this.encoder = encoder;
        this.sender = sender;
        this.acks = acks;
        this.stop = stop;
        this.events = events;
        this.pageBody = pageBody;
        this.pageHeaders = pageHeaders;
    }

    /**
     * The page's next request, or null when every event is in HEC (acked too with hec.ack). Waits
     * hec.ack.pollInterval before an ack poll.
     */
    HecRequest next() throws InterruptedException, IOException {
        request = nextRequest();
        sentAtNanos = System.nanoTime();
        return request;
    }

    private HecRequest nextRequest() throws InterruptedException, IOException {
        while (true) {
            if (attempt != null) {
                return sender.request(attempt);
            }
            if (!unfinished.isEmpty()) {
                attempt = new HecBatchSender.Attempt(unfinished.pop());
                continue;
            }
            if (settings.ack() && acks.pendingBatches() > 0
                    && (awaitingAcks || acks.pendingBatches() >= MAX_UNACKED_BATCHES || !hasMoreEvents())) {
                // until every ack is in: no new batch meanwhile, only resends of the batches that timed out
                awaitingAcks = true;
                return acks.poll();
            }
            awaitingAcks = false;
            HecBatch batch = nextBatch();
            if (batch == null) {
                return null;
            }
            attempt = new HecBatchSender.Attempt(batch);
        }
    }

    /** Reads HEC's answer to the request {@link #next} returned. */
    void answered(HecAnswer answer) throws InterruptedException, IOException {
        switch (request.kind()) {
            case EVENT -> {
                HecBatchSender.Result result = sender.eventAnswer(attempt, answer, sentAtNanos);
                if (result.retry()) {
                    return;
                }
                attempt = null;
                if (result.accepted() != null && settings.ack()) {
                    acks.track(result.accepted());
                }
                // the parts go first, in page order
                for (int i = result.parts().size() - 1; i >= 0; i--) {
                    unfinished.push(result.parts().get(i));
                }
            }
            case HEALTH -> sender.healthAnswer(attempt, answer);
            case ACK -> unfinished.addAll(acks.answer(answer));
        }
    }

    /** The page's body and headers as the output route got them. */
    Object pageBody() {
        return pageBody;
    }

    Map<String, Object> pageHeaders() {
        return pageHeaders;
    }

    private boolean hasMoreEvents() {
        return carried != null || nextEvent < events.size();
    }

    /** The next batch of the page's events, encoded, or null when none is left. */
    private HecBatch nextBatch() throws HecSinkClosedException {
        List<HecBatch.Entry> batch = new ArrayList<>();
        long bytes = 0;
        while (hasMoreEvents()) {
            if (carried == null) {
                // not retries: a page handed over sends all its batches, also once the connector is stopping, so it can be committed
                stop.check();
                HaloEvent event = events.get(nextEvent++);
                carried = new HecBatch.Entry(event, encoder.encode(event));
            }
            if (!batch.isEmpty() && (batch.size() + 1 > settings.batchEvents()
                    || bytes + carried.envelope().length > settings.batchBytes())) {
                break;
            }
            batch.add(carried);
            bytes += carried.envelope().length;
            carried = null;
        }
        return batch.isEmpty() ? null : new HecBatch(batch);
    }
}
