package io.haloconnector.simulator;

/** A token bucket holding at most one second of requests, refilled continuously. */
final class RequestRateLimiter {

    private final int perSecond;
    private double available;
    private long lastRefillNanos = System.nanoTime();

    RequestRateLimiter(int perSecond) {
        this.perSecond = perSecond;
        this.available = perSecond;
    }

    /** True when the request may pass; always true when the limit is off. */
    synchronized boolean tryAcquire() {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        available = Math.min(perSecond, available + (now - lastRefillNanos) * perSecond / 1e9);
        lastRefillNanos = now;
        if (available >= 1) {
            available -= 1;
            return true;
        }
        return false;
    }
}
