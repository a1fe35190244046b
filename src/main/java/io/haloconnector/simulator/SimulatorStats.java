package io.haloconnector.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the simulator answered, for tests (how many token calls?) and the benchmark.
 */
public final class SimulatorStats {

    private final LongAdder eventsRequests = new LongAdder();
    private final LongAdder tokenRequests = new LongAdder();
    private final LongAdder eventsServed = new LongAdder();
    private final Map<Integer, LongAdder> statusCounts = new ConcurrentHashMap<>();

    SimulatorStats() {
    }

    /** Requests to {@code /v1/events}, whatever their answer. */
    public long eventsRequests() {
        return eventsRequests.sum();
    }

    /** Requests to {@code /oauth/access_token}, whatever their answer. */
    public long tokenRequests() {
        return tokenRequests.sum();
    }

    /** Answers by HTTP status over all endpoints; connection resets have no status and are not counted. */
    public Map<Integer, Long> statusCounts() {
        Map<Integer, Long> copy = new TreeMap<>();
        statusCounts.forEach((status, count) -> copy.put(status, count.sum()));
        return copy;
    }

    /** Events sent in complete 200 pages (truncated bodies not counted). */
    public long eventsServed() {
        return eventsServed.sum();
    }

    void eventsRequest() {
        eventsRequests.increment();
    }

    void tokenRequest() {
        tokenRequests.increment();
    }

    void answered(int status) {
        statusCounts.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void served(int events) {
        eventsServed.add(events);
    }
}
