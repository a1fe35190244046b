package io.haloconnector.retry;

/**
 * How many requests may be in flight: additive increase, multiplicative decrease. A 429 halves
 * the limit (never below 1); every {@code limit} successes in a row raise it by one, up to the
 * maximum, so the connector settles just under the API's rate limit instead of storming it.
 */
public final class ConcurrencyLimit {
    private final int max;
    private int limit;
    private int successes;

    public ConcurrencyLimit(int max) {
        this.max = max;
        this.limit = max;
    }

    /** The most it grows back to. */
    public int max() {
        return max;
    }

    public synchronized int current() {
        return limit;
    }

    public synchronized void rateLimited() {
        limit = Math.max(1, limit / 2);
        successes = 0;
    }

    public synchronized void succeeded() {
        if (limit < max && ++successes >= limit) {
            limit++;
            successes = 0;
        }
    }
}
