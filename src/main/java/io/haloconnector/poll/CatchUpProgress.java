package io.haloconnector.poll;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts delivered events and, while a poll runs longer than the report interval (a catch-up),
 * logs a progress line: events delivered, events/s, the cursor, how far behind now it is, and an
 * estimate of the time left. A backfill's line says how far the cursor is through its window instead
 * of how far behind now.
 */
public final class CatchUpProgress {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUpProgress.class);

    private final String prefix;
    private final Clock clock;
    private final Duration interval;
    // the backfill's window, or null for the live polls
    private final BackfillWindow backfill;
    private final AtomicLong delivered = new AtomicLong();
    private Instant pollStartedAt;
    private Instant cursorAtStart;
    private Instant lastReport;
    private long deliveredAtStart;
    private long deliveredAtReport;

    public CatchUpProgress(Clock clock, Duration interval) {
        this("", clock, interval);
    }

    /** @param prefix the start of each line, the account's name where there are several ("Account staging: ") */
    public CatchUpProgress(String prefix, Clock clock, Duration interval) {
        this(prefix, clock, interval, null);
    }

    /** @param backfill the backfill whose window the lines measure the cursor against, or null for the live polls */
    public CatchUpProgress(String prefix, Clock clock, Duration interval, BackfillWindow backfill) {
        this.prefix = prefix;
        this.clock = clock;
        this.interval = interval;
        this.backfill = backfill;
    }

    /** Events delivered since the start of this run. */
    public long delivered() {
        return delivered.get();
    }

    synchronized void pollStarted(Instant since) {
        pollStartedAt = clock.instant();
        lastReport = pollStartedAt;
        cursorAtStart = since;
        deliveredAtStart = delivered.get();
        deliveredAtReport = deliveredAtStart;
    }

    synchronized void pageCommitted(int fresh, Instant cursor, Instant until) {
        delivered.addAndGet(fresh);
        Instant now = clock.instant();
        Duration sinceReport = Duration.between(lastReport, now);
        if (cursor == null || sinceReport.compareTo(interval) < 0) {
            return;
        }
        long count = delivered.get() - deliveredAtReport;
        double perSecond = count / Math.max(0.001, sinceReport.toMillis() / 1000.0);
        Duration covered = Duration.between(cursorAtStart, cursor);
        Duration elapsed = Duration.between(pollStartedAt, now);
        String left = covered.isNegative() || covered.isZero() ? "unknown"
                : format(Duration.ofMillis((long) (Duration.between(cursor, until).toMillis()
                        * (elapsed.toMillis() / (double) covered.toMillis()))));
        if (backfill != null) {
            long window = Duration.between(backfill.since(), backfill.until()).toMillis();
            long done = Math.max(0, Duration.between(backfill.since(), cursor).toMillis());
            LOG.info("{}Backfill: {} events delivered ({}/s), cursor {}, {}% of {} to {}, about {} left", prefix,
                    delivered.get(), Math.round(perSecond), cursor, Math.min(100, done * 100 / Math.max(1, window)),
                    backfill.since(), backfill.until(), left);
        } else {
            LOG.info("{}Catching up: {} events delivered this poll ({}/s), cursor {}, {} behind now, about {} left",
                    prefix, delivered.get() - deliveredAtStart, Math.round(perSecond), cursor,
                    format(Duration.between(cursor, now)), left);
        }
        lastReport = now;
        deliveredAtReport = delivered.get();
    }

    synchronized void pollFinished(Instant cursor, long pages) {
        long fresh = delivered.get() - deliveredAtStart;
        Duration took = Duration.between(pollStartedAt, clock.instant());
        if (fresh > 0) {
            LOG.info("{}Poll done: {} new events in {} pages ({}), cursor {}", prefix, fresh, pages, format(took), cursor);
        } else {
            LOG.debug("{}Poll done: no new events ({} pages), cursor {}", prefix, pages, cursor);
        }
    }

    /** A duration as the progress lines say it: {@code 2d 01h}, {@code 3m 05s}, {@code 12s}, {@code 250ms}. */
    public static String format(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s >= 86400) {
            return String.format("%dd %02dh", s / 86400, (s % 86400) / 3600);
        }
        if (s >= 3600) {
            return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        return d.toMillis() < 1000 ? d.toMillis() + "ms" : s + "s";
    }
}
