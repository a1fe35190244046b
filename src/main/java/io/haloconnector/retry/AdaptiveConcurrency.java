package io.haloconnector.retry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * How many pages may be at the output's receiver at once (sent and not committed: the ones a
 * crash repeats), following the round trips of its pages, as Vector's adaptive request
 * concurrency (ARC) does. It starts at one page and grows only while a page more raises
 * throughput, as measured from the pages' round trips; it shrinks on a rising round trip and on
 * back pressure (503, 429).
 * <ul>
 * <li>Each page gives its round trip: from its turn (it may go to the receiver) to the output's
 * return (the receiver's part), and on to its commit (the save and the hand-over). Only pages that
 * waited for their turn count (the limit was full, so the round trip shows what the limit
 * allows), and only pages that took their turn at the current limit.</li>
 * <li>Every {@value #MEASURED_PAGES} such pages make a measurement: the limit divided by the mean
 * round trip to the commit is the pages committed per second at this limit.</li>
 * <li>A second page is tried only when the receiver's part of the round trip is at least
 * {@value #FAR_RECEIVER_MILLIS} ms and {@value #RECEIVER_SHARE} times the rest (the commit's save
 * and the hand-over), in two measurements in a row: a receiver that answers sooner (a HEC on the
 * same host or network, whose round trip is its own work on the page) gains little from a second
 * page, which would double what a crash repeats. From two pages on, every page more is a trial. The trial keeps the page only if the next measurement's
 * throughput rose by at least {@value #SHARE_KEPT} of that page's share (from k to k+1 pages: by a
 * {@value #SHARE_KEPT} / k part), and the next page is tried at once, that measurement its baseline (a HEC
 * 30 ms away went from one page to five in 1 to 2.4 s); otherwise the page is taken back, and the next trial
 * waits {@value #FIRST_HOLD} measurements, twice as many after each failed trial in a row, up to
 * {@value #MAX_HOLD} (a measurement of six pages varies by a tenth, so a page that pays can fail its trial
 * once; a short first hold tries it again soon).</li>
 * <li>At DEBUG each measurement is logged with what it decided.</li>
 * <li>A measurement whose receiver round trip rose by half against its moving mean at this limit,
 * or back pressure, takes a tenth off (at least one page, never below one).</li>
 * </ul>
 * Pinned ({@code hec.adaptiveConcurrency=false}) it starts at the ceiling and follows only back
 * pressure: a 503 or 429 halves it, as many accepted requests in a row as the limit grow it back by one.
 */
public final class AdaptiveConcurrency {
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveConcurrency.class);
    /** Vector's defaults, found by its simulations: the share kept on a decrease. */
    static final double DECREASE_RATIO = 0.9;
    /** Pages a measurement takes: fewer and one slow save decides. */
    static final int MEASURED_PAGES = 6;
    /** The receiver's part of a round trip at one page, against the rest, from which a second page may pay. */
    static final double RECEIVER_SHARE = 5.0;
    /**
     * The receiver's part of a round trip at one page from which a second page may pay: a HEC on the same host
     * or network answered pages of 500 in 3 to 20 ms (35 on a host loaded by other builds), one 30 ms away in
     * 36 to 54 ms.
     */
    static final double FAR_RECEIVER_MILLIS = 25.0;
    /** The part of its share a page added must bring to stay: half, so noise alone rarely keeps one. */
    static final double SHARE_KEPT = 0.5;
    /** Measurements without a trial after a failed one (doubling after each failed one in a row). */
    static final int FIRST_HOLD = 2;
    /** The longest wait between trials: an output that got further away is found again. */
    static final int MAX_HOLD = 256;
    /** Weight of the newest measurement in the receiver's moving mean round trip. */
    static final double EWMA_ALPHA = 0.4;
    /** A measurement's receiver round trip this many times its moving mean is a rise. */
    static final double RISE = 1.5;

    private final int max;
    private final boolean adaptive;
    private final LongSupplier nanoClock;
    private int limit;
    // pages handed over beyond the limit, waiting for their turn: see withOnePageWaiting
    private int waiting;
    // pinned: accepted requests in a row since the last change
    private int successes;
    // adaptive: when the limit last changed (pages that took their turn before do not count), the measurement
    private long changedAt;
    private int pages;
    private double receiverSum;
    private double cycleSum;
    private double receiverMean = Double.NaN;
    private boolean trial;
    private double rateBefore;
    private int hold;
    private int nextHold = FIRST_HOLD;
    // measurements in a row whose receiver part was RECEIVER_SHARE times the rest
    private int farInARow;
    // the last measurement's means, for the log line at stop
    private double lastReceiverMillis = Double.NaN;
    private double lastRestMillis = Double.NaN;

    private AdaptiveConcurrency(int max, boolean adaptive, LongSupplier nanoClock) {
        if (max < 1) {
            throw new IllegalArgumentException("the ceiling must be at least 1, not " + max);
        }
        this.max = max;
        this.adaptive = adaptive;
        this.nanoClock = nanoClock;
        this.limit = adaptive ? 1 : max;
        this.changedAt = nanoClock.getAsLong();
    }

    /** Starts at one page and follows the pages' round trips up to {@code max}; {@code nanoClock} as {@link System#nanoTime}. */
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

    /**
     * One page more is handed to the output than the limit, to wait for its turn in the output's route
     * (encoded, not sent): the next page goes the moment one is committed. For an output whose route has
     * a turn step (HEC's); without one that page would go at once.
     */
    public synchronized AdaptiveConcurrency withOnePageWaiting() {
        waiting = 1;
        return this;
    }

    /** Pages handed to the output at most: the ceiling and the one waiting for its turn (the output route's threads). */
    public synchronized int handedOverAtMost() {
        return max + waiting;
    }

    /** Pages that may be handed to the output now: the limit and the one waiting for its turn. */
    public synchronized int handedOver() {
        return limit + waiting;
    }

    public boolean isAdaptive() {
        return adaptive;
    }

    /** How many pages may be at the receiver now. */
    public synchronized int current() {
        return limit;
    }

    /** The output accepted a request: pinned, as many in a row as the limit grow it back by one after back pressure. */
    public synchronized void accepted() {
        if (!adaptive && limit < max && ++successes >= limit) {
            limit++;
            successes = 0;
        }
    }

    /**
     * A page was committed (all times {@link System#nanoTime}): its turn at {@code turnedAt}, the output's
     * return at {@code returnedAt}, the commit saved at {@code committedAt}; {@code waited}: it waited for its
     * turn because the limit was full.
     */
    public synchronized void pageCommitted(long turnedAt, long returnedAt, long committedAt, boolean waited) {
        if (!adaptive || !waited || turnedAt - changedAt < 0) {
            return; // an idle limit, or a page that went at the limit before the last change, says nothing of this one
        }
        pages++;
        receiverSum += returnedAt - turnedAt;
        cycleSum += committedAt - turnedAt;
        if (pages < MEASURED_PAGES) {
            return;
        }
        double receiver = receiverSum / pages;
        double cycle = cycleSum / pages;
        lastReceiverMillis = receiver / 1e6;
        lastRestMillis = (cycle - receiver) / 1e6;
        double rate = limit * 1e9 / Math.max(1, cycle);
        pages = 0;
        receiverSum = 0;
        cycleSum = 0;
        int measured = limit;
        if (trial) {
            trial = false;
            int before = limit - 1;
            if (rate >= rateBefore * (1 + SHARE_KEPT / before)) {
                nextHold = FIRST_HOLD;
                receiverMean = receiver;
                String kept = "the trial page raised it from " + Math.round(rateBefore) + ": kept";
                if (limit < max) { // the page paid: the next one is tried at once, this measurement its baseline
                    rateBefore = rate;
                    trial = true;
                    change(limit + 1, committedAt);
                    kept += ", trying " + limit;
                }
                logMeasurement(measured, rate, kept);
            } else {
                change(before, committedAt); // the page only queued somewhere: taken back
                hold = nextHold;
                nextHold = Math.min(MAX_HOLD, nextHold * 2);
                logMeasurement(measured, rate, "not enough above " + Math.round(rateBefore) + ": the trial page taken back, "
                        + hold + " measurements before the next");
            }
            return;
        }
        if (!Double.isNaN(receiverMean) && receiver > receiverMean * RISE && limit > 1) {
            change(limit - (limit - (int) (limit * DECREASE_RATIO)), committedAt); // the receiver slowed: it queues
            logMeasurement(measured, rate, "the receiver's part rose by half: limit " + limit);
            return;
        }
        receiverMean = Double.isNaN(receiverMean) ? receiver : receiverMean + EWMA_ALPHA * (receiver - receiverMean);
        // at one page: a far receiver in two measurements in a row, so one slow start (a cold JVM) tries nothing
        boolean far = receiver >= FAR_RECEIVER_MILLIS * 1e6 && receiver >= RECEIVER_SHARE * (cycle - receiver);
        farInARow = far ? farInARow + 1 : 0;
        if (hold > 0) {
            hold--;
        } else if (limit < max && (limit > 1 || farInARow >= 2)) {
            rateBefore = rate;
            trial = true;
            change(limit + 1, committedAt);
        }
        logMeasurement(measured, rate, trial ? "trying " + limit : "limit " + limit);
    }

    /** At DEBUG, each measurement and what it decided: how an operator sees the limit follow the receiver. */
    private void logMeasurement(int measured, double rate, String decision) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format(java.util.Locale.ROOT, "Output pages at %d: receiver %.1f ms, commit %.1f ms a page, %.0f pages/s; %s",
                    measured, lastReceiverMillis, lastRestMillis, rate, decision));
        }
    }

    /** The output answered 503 or 429: it is full or limits the rate. */
    public synchronized void backPressure() {
        if (!adaptive) {
            limit = Math.max(1, limit / 2);
            successes = 0;
            return;
        }
        if (limit > 1) {
            change(limit - (limit - (int) (limit * DECREASE_RATIO)), nanoClock.getAsLong());
        }
        trial = false;
        hold = nextHold;
    }

    /** A new limit: the pages that took their turn before it do not measure it. */
    private void change(int newLimit, long now) {
        limit = newLimit;
        changedAt = now;
        pages = 0;
        receiverSum = 0;
        cycleSum = 0;
        receiverMean = Double.NaN;
    }

    @Override
    public synchronized String toString() {
        if (!adaptive) {
            return "pinned " + limit + " of " + max;
        }
        if (Double.isNaN(lastReceiverMillis)) {
            return "adaptive " + limit + " of " + max + ", not measured yet";
        }
        return String.format(java.util.Locale.ROOT, "adaptive %d of %d, receiver %.1f ms and commit %.1f ms a page",
                limit, max, lastReceiverMillis, lastRestMillis);
    }
}
