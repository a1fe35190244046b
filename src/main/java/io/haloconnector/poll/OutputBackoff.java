package io.haloconnector.poll;

import io.haloconnector.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Holds the polls back while the output keeps failing (a full disk, a syslog receiver or Kafka
 * down), as HEC's own retries do while HEC is down: a poll would only fetch pages the output
 * refuses, spending the account's API rate limit. After a page the output threw on, the polls of
 * every account (they share the output) ask Halo nothing until a backoff has passed (doubling from
 * 1 s to {@code halo.retry.maxDelay}, with jitter), and then ask for the current page only, no page
 * ahead, until the output takes a page of events again. Thread-safe.
 */
public final class OutputBackoff {
    private static final Logger LOG = LoggerFactory.getLogger(OutputBackoff.class);

    private final Backoff backoff;
    private int failures;
    private long retryAtNanos;

    public OutputBackoff(Backoff backoff) {
        this.backoff = backoff;
    }

    /** The output threw on a page: the next polls wait longer before they ask Halo again. */
    public synchronized void failed() {
        failures++;
        Duration delay = backoff.delay(failures, null);
        retryAtNanos = System.nanoTime() + delay.toNanos();
        LOG.info("The output failed {} page(s) in a row: the polls ask Halo again in {} ms, for one page at a time until"
                + " the output takes one", failures, delay.toMillis());
    }

    /** The output took a page of events: the polls go at full pace again. */
    public synchronized void delivered() {
        if (failures > 0) {
            LOG.info("The output takes events again after {} failed page(s)", failures);
            failures = 0;
        }
    }

    /** True while a poll must not ask Halo anything: the output failed and its backoff has not passed. */
    public synchronized boolean holdsPoll() {
        return failures > 0 && System.nanoTime() - retryAtNanos < 0;
    }

    /** True from an output failure until the output takes a page again: no page is requested ahead. */
    public synchronized boolean failing() {
        return failures > 0;
    }
}
