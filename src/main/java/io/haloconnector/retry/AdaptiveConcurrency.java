package io.haloconnector.retry;

import java.util.function.LongSupplier;

/**
 * How many pages the output takes at once, following its round-trip time as Vector's adaptive
 * request concurrency (ARC) does. It starts at one page. It keeps an exponentially weighted mean
 * of the round-trip time and of its variance; once per window (one mean round-trip time) it
 * compares the window's mean round-trip time with them: not above the mean, and the limit was
 * reached in the window (the output had more pages than it took), adds one page up to the
 * ceiling ({@code hec.maxInFlight}); above the mean by {@value #RTT_DEVIATION_SCALE} standard
 * deviations, or a back-pressure answer (503, 429) in the window, takes a tenth off (at least
 * one page, never below one). So pages are added only while they raise throughput: a page more
 * that only queues behind the others shows as a longer round trip.
 * <p>
 * Pinned ({@code hec.adaptiveConcurrency=false}) it starts at the ceiling and follows only
 * back pressure, as before: a 503 or 429 halves it, as many accepted requests in a row as the
 * limit grow it back by one.
 */
public final class AdaptiveConcurrency {
    // the round trip is the page's through the output, from hand-over to its return: the output's pace, as ARC's
    // request round trip; the commit's save after it is shared by the answers that arrive meanwhile (group commit)
    /** Vector's defaults, found by its simulations: the share kept on a decrease. */
    static final double DECREASE_RATIO = 0.9;
    /** Weight of the newest window in the moving mean and variance. */
    static final double EWMA_ALPHA = 0.4;
    /** How many standard deviations above the mean a window's round trip may be before it counts as a rise. */
    static final double RTT_DEVIATION_SCALE = 2.5;

    private final int max;
    private final boolean adaptive;
    private final LongSupplier nanoClock;
    private int limit;
    // pinned: accepted requests in a row since the last change
    private int successes;
    // adaptive: the moving mean and variance of past windows (NaN before the first answer), the current window
    private double pastMean = Double.NaN;
    private double pastVariance;
    private long nextUpdate;
    private double windowSum;
    private int windowCount;
    private boolean reachedLimit;
    private boolean backPressure;

    private AdaptiveConcurrency(int max, boolean adaptive, LongSupplier nanoClock) {
        if (max < 1) {
            throw new IllegalArgumentException("the ceiling must be at least 1, not " + max);
        }
        this.max = max;
        this.adaptive = adaptive;
        this.nanoClock = nanoClock;
        this.limit = adaptive ? 1 : max;
    }

    /** Starts at one page and follows the round-trip time up to {@code max}; {@code nanoClock} as {@link System#nanoTime}. */
    public static AdaptiveConcurrency adaptive(int max, LongSupplier nanoClock) {
        return new AdaptiveConcurrency(max, true, nanoClock);
    }

    /** Starts at {@code max}; only back pressure lowers it for a while. */
    public static AdaptiveConcurrency pinned(int max) {
        return new AdaptiveConcurrency(max, false, System::nanoTime);
    }

    /** The ceiling. */
    public int max() {
        return max;
    }

    public boolean isAdaptive() {
        return adaptive;
    }

    /** How many pages may be in flight now. */
    public synchronized int current() {
        return limit;
    }

    /** A page was handed to the output; {@code inFlight} pages are in flight with it. */
    public synchronized void pageStarted(int inFlight) {
        if (inFlight >= limit) {
            reachedLimit = true; // the output had all it may take: evidence that one more could be used
        }
    }

    /** The output accepted a request: pinned, as many in a row as the limit grow it back by one after back pressure. */
    public synchronized void accepted() {
        if (!adaptive && limit < max && ++successes >= limit) {
            limit++;
            successes = 0;
        }
    }

    /** A page's round trip through the output: from its hand-over until the output returned. */
    public synchronized void answered(long rttNanos) {
        if (!adaptive) {
            return;
        }
        windowSum += rttNanos;
        windowCount++;
        adjust();
    }

    /** The output answered 503 or 429: it is full or limits the rate. */
    public synchronized void backPressure() {
        if (!adaptive) {
            limit = Math.max(1, limit / 2);
            successes = 0;
            return;
        }
        backPressure = true;
        adjust();
    }

    /** Ends the window when it is over: the limit moves once per mean round-trip time at most. */
    private void adjust() {
        long now = nanoClock.getAsLong();
        double current = windowCount == 0 ? Double.NaN : windowSum / windowCount;
        if (Double.isNaN(pastMean)) {
            if (!Double.isNaN(current)) {
                pastMean = current; // the first answer: the mean starts here, the limit stays
                nextUpdate = now + (long) current;
                resetWindow();
            }
            return;
        }
        if (now < nextUpdate) {
            return;
        }
        double threshold = Math.sqrt(pastVariance) * RTT_DEVIATION_SCALE;
        if (limit < max && reachedLimit && !backPressure && !Double.isNaN(current) && current <= pastMean) {
            limit++;
        } else if (limit > 1 && (backPressure || (!Double.isNaN(current) && current > pastMean + threshold))) {
            // strictly above (Vector: at or above): a perfectly flat round trip, deviation 0, is no rise
            limit -= limit - (int) (limit * DECREASE_RATIO);
        }
        if (!Double.isNaN(current)) {
            double difference = current - pastMean;
            double increment = EWMA_ALPHA * difference;
            pastMean += increment;
            pastVariance = (1 - EWMA_ALPHA) * (pastVariance + difference * increment);
        }
        nextUpdate = now + (long) pastMean;
        resetWindow();
    }

    private void resetWindow() {
        windowSum = 0;
        windowCount = 0;
        reachedLimit = false;
        backPressure = false;
    }

    /** The moving mean round-trip time in milliseconds, NaN before the first answer or when pinned. */
    public synchronized double meanRttMillis() {
        return pastMean / 1e6;
    }

    @Override
    public synchronized String toString() {
        return (adaptive ? "adaptive" : "pinned") + " " + limit + " of " + max;
    }
}
