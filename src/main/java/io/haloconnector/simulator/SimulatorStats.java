package io.haloconnector.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the simulator answered, for tests (how many token calls?) and the benchmark.
 */
public final class SimulatorStats {

    private final LongAdder eventsRequests = new LongAdder();
    private final LongAdder tokenRequests = new LongAdder();
    private final LongAdder eventsServed = new LongAdder();
    private final Map<Integer, LongAdder> statusCounts = new ConcurrentHashMap<>();
    // requests being answered, by their query's since and until
    private final Map<String, Integer> openByQuery = new ConcurrentHashMap<>();
    private final AtomicInteger mostQueriesOpen = new AtomicInteger();
    // when each token and events request arrived: the latest ones, so a simulator left running stays small
    private static final int REQUEST_TIMES_KEPT = 100_000;
    private final Queue<Instant> requestTimes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requestTimesHeld = new AtomicInteger();

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

    /**
     * The most {@code /v1/events} queries (distinct {@code since} and {@code until}) that had a
     * request being answered at one time: above one, a client asked for a later stretch of time
     * before it had all the pages of an earlier one.
     */
    public int mostQueriesAtOnce() {
        return mostQueriesOpen.get();
    }

    /** When each request (events or token) reached the simulator, the latest 100,000 in arrival order. */
    public List<Instant> requestTimes() {
        return List.copyOf(requestTimes);
    }

    /** Events sent in complete 200 pages (truncated bodies not counted). */
    public long eventsServed() {
        return eventsServed.sum();
    }

    void eventsRequest() {
        requestArrived();
        eventsRequests.increment();
    }

    /** A request of this query is being answered until {@link #queryAnswered}. */
    void queryOpen(String query) {
        openByQuery.merge(query, 1, Integer::sum);
        mostQueriesOpen.accumulateAndGet(openByQuery.size(), Math::max);
    }

    void queryAnswered(String query) {
        openByQuery.computeIfPresent(query, (key, open) -> open == 1 ? null : open - 1);
    }

    void tokenRequest() {
        requestArrived();
        tokenRequests.increment();
    }

    private void requestArrived() {
        requestTimes.add(Instant.now());
        if (requestTimesHeld.incrementAndGet() > REQUEST_TIMES_KEPT && requestTimes.poll() != null) {
            requestTimesHeld.decrementAndGet();
        }
    }

    void answered(int status) {
        statusCounts.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void served(int events) {
        eventsServed.add(events);
    }
}
