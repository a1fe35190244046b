package io.haloconnector.testkit.hec;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The envelopes a receiver accepted, in arrival order, and with ack on which of them are acked:
 * per channel, one ackId per accepted request, acked when an /ack poll answers true for it.
 */
final class EnvelopeStore {

    private static final class Stored {
        final JsonNode envelope;
        boolean acked;

        Stored(JsonNode envelope, boolean acked) {
            this.envelope = envelope;
            this.acked = acked;
        }
    }

    private record PendingAck(long postedAtNanos, int size, List<Stored> envelopes) {
    }

    private static final class Channel {
        long nextAckId;
        final Map<Long, PendingAck> pending = new HashMap<>();
    }

    private final boolean retain;
    private final List<Stored> arrivals = new ArrayList<>();
    private final List<HecReceiver.AcceptedRequest> requests = new ArrayList<>();
    private final Map<String, Channel> channels = new HashMap<>();
    private long accepted;
    private long acked;

    EnvelopeStore(boolean retain) {
        this.retain = retain;
    }

    /** Stores a whole request's envelopes; with a channel (ack on) returns the new ackId, else -1. */
    synchronized long accept(List<JsonNode> envelopes, String ackChannel, HecReceiver.AcceptedRequest request) {
        List<Stored> stored = new ArrayList<>(envelopes.size());
        if (retain) {
            for (JsonNode envelope : envelopes) {
                stored.add(new Stored(envelope, ackChannel == null));
            }
            arrivals.addAll(stored);
            requests.add(request);
        }
        return count(envelopes.size(), stored, ackChannel);
    }

    /** Counts a whole request's envelopes when none are retained; with a channel returns the new ackId, else -1. */
    synchronized long accept(int envelopes, String ackChannel) {
        if (retain) {
            throw new IllegalStateException("a receiver that retains envelopes must be given them");
        }
        return count(envelopes, List.of(), ackChannel);
    }

    private long count(int envelopes, List<Stored> stored, String ackChannel) {
        accepted += envelopes;
        if (ackChannel == null) {
            return -1;
        }
        Channel channel = channels.computeIfAbsent(ackChannel, c -> new Channel());
        long ackId = channel.nextAckId++;
        channel.pending.put(ackId, new PendingAck(System.nanoTime(), envelopes, stored));
        return ackId;
    }

    /** Answers one ack query: true (once) when the request is known and the ack delay has passed. */
    synchronized boolean ack(String channelId, long ackId, Duration delay) {
        Channel channel = channels.get(channelId);
        PendingAck pending = channel == null ? null : channel.pending.get(ackId);
        if (pending == null || System.nanoTime() - pending.postedAtNanos() < delay.toNanos()) {
            return false;
        }
        channel.pending.remove(ackId);
        pending.envelopes().forEach(s -> s.acked = true);
        acked += pending.size();
        return true;
    }

    synchronized List<JsonNode> received(boolean ackedWanted) {
        return arrivals.stream().filter(s -> s.acked == ackedWanted).map(s -> s.envelope).toList();
    }

    synchronized List<HecReceiver.AcceptedRequest> requests() {
        return List.copyOf(requests);
    }

    synchronized long acceptedCount() {
        return accepted;
    }

    synchronized long ackedCount() {
        return acked;
    }
}
