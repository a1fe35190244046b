package io.haloconnector.retry;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Spaces request starts once the API has rate-limited us. Unpaced until the first 429; then the
 * rate drops to 80% of what was being sent in the last second, and each success raises it by
 * 0.2%, so it settles just under the API's limit with few 429s. Every 429 also stalls the
 * in-order route for its Retry-After, which is why avoiding them matters more than speed.
 */
public final class RequestPacer {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ArrayDeque<Long> recentStarts = new ArrayDeque<>();
    private double perSecond = Double.POSITIVE_INFINITY;
    private long nextStart;
    private long lastCut = Long.MIN_VALUE / 2;

    /** Waits for this request's turn. */
    public void acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Double.isInfinite(perSecond) ? now : Math.max(now, nextStart);
            if (!Double.isInfinite(perSecond)) {
                nextStart = start + (long) (SECOND / perSecond);
            }
            recentStarts.addLast(start);
            while (recentStarts.size() > 1 && recentStarts.peekFirst() < now - SECOND) {
                recentStarts.removeFirst();
            }
            wait = start - now;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** A 429: send at 80% of the rate that caused it (once a second: 429s of one burst count once). */
    public synchronized void rateLimited() {
        long now = System.nanoTime();
        if (now - lastCut < SECOND) {
            return;
        }
        lastCut = now;
        long lastSecond = recentStarts.stream().filter(start -> start >= now - SECOND && start <= now).count();
        perSecond = Math.max(0.2, Math.min(perSecond, Math.max(1, lastSecond)) * 0.8);
    }

    public synchronized void succeeded() {
        if (!Double.isInfinite(perSecond)) {
            perSecond *= 1.002;
        }
    }

    /** Requests per second allowed now (infinite until the first 429). */
    public synchronized double perSecond() {
        return perSecond;
    }
}
