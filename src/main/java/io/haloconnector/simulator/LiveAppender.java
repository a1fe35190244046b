package io.haloconnector.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A background thread that keeps appending events created "now", with a share of late arrivals
 * created slightly in the past: what a client polling up to "now" has to survive.
 * {@link #close()} stops it.
 */
public final class LiveAppender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveAppender.class);
    private static final long TICK_MILLIS = 20;

    private final EventStore store;
    private final double eventsPerSecond;
    private final double lateFraction;
    private final long maxLatenessMicros;
    private final EventGenerator generator;
    private final SplittableRandom random;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long appended;

    private LiveAppender(EventStore store, long seed, double eventsPerSecond, double lateFraction,
                         Duration maxLateness) {
        this.store = store;
        this.eventsPerSecond = eventsPerSecond;
        this.lateFraction = lateFraction;
        this.maxLatenessMicros = maxLateness.toNanos() / 1_000;
        // a different stream from generate(seed, ...) so live ids never repeat generated ones
        this.generator = new EventGenerator(seed ^ 0x11FE11FE11FEL);
        this.random = new SplittableRandom(seed ^ 0x7A7E7A7EL);
        this.thread = new Thread(this::run, "halo-sim-live-appender");
        this.thread.setDaemon(true);
    }

    static LiveAppender start(EventStore store, long seed, double eventsPerSecond, double lateFraction,
                              Duration maxLateness) {
        Objects.requireNonNull(maxLateness, "maxLateness");
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("eventsPerSecond must be above 0, got " + eventsPerSecond);
        }
        if (lateFraction < 0 || lateFraction > 1) {
            throw new IllegalArgumentException("lateFraction must be 0..1, got " + lateFraction);
        }
        LiveAppender appender = new LiveAppender(store, seed, eventsPerSecond, lateFraction, maxLateness);
        appender.thread.start();
        return appender;
    }

    /** Events appended so far. */
    public long appended() {
        return appended;
    }

    /** Stops the thread and waits for it to end. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long startNanos = System.nanoTime();
        long total = 0;
        while (running) {
            double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
            long due = (long) (elapsedSeconds * eventsPerSecond);
            while (total < due && running) {
                total += appendSome((int) Math.min(due - total, 60));
            }
            appended = total;
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
        }
        LOG.debug("live appender stopped after {} events", total);
    }

    /** Appends one event, or a small burst sharing one created_at; returns how many. */
    private int appendSome(int atMost) {
        long now = System.currentTimeMillis() * 1_000;
        boolean late = maxLatenessMicros > 0 && random.nextDouble() < lateFraction;
        // whole milliseconds, like real created_at values
        long createdAt = late ? (now - random.nextLong(maxLatenessMicros + 1)) / 1_000 * 1_000 : now;
        if (atMost >= 2 && random.nextInt(20) == 0) {
            int size = Math.min(atMost, Math.min(generator.burstSize(), 20));
            generator.burst(createdAt, size).forEach(store::insert);
            return size;
        }
        store.insert(generator.single(createdAt));
        return 1;
    }
}
