package io.haloconnector.poll;

import io.haloconnector.halo.HaloEventsAnswer;
import io.haloconnector.halo.HaloRequestObserver;
import io.haloconnector.halo.HaloTransientException;
import io.haloconnector.retry.Backoff;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * Runs when a page request fails, before Camel's error handler decides on a redelivery: counts
 * the attempt (the route's {@code retryWhile} reads it), sets the wait before the next one in
 * {@code CamelRedeliveryDelay} (exponential backoff with jitter capped at halo.retry.maxDelay, a
 * Retry-After honoured up to the cap, no wait for the one repeat after a 401) and says so in one
 * line. The waiting and the repeating are Camel's.
 */
public final class PageRequestRetry implements Processor {
    /** Exchange property: how many times this page was requested and failed. */
    public static final String ATTEMPTS = "haloPageAttempts";
    private static final Logger LOG = LoggerFactory.getLogger(PageRequestRetry.class);

    private final Backoff backoff;
    private final int maxAttempts;
    private final String host;
    private final HaloRequestObserver observer;

    public PageRequestRetry(Backoff backoff, int maxAttempts, String host, HaloRequestObserver observer) {
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.host = host;
        this.observer = observer;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        if (failure instanceof IOException) {
            observer.answered("events", 0);
        }
        if (exchange.getProperty(PageRequest.AHEAD, false, Boolean.class)) {
            return; // not retried (retryWhile): the poll asks again when it reaches this page
        }
        int attempt = exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1;
        exchange.setProperty(ATTEMPTS, attempt);
        Duration wait;
        if (failure instanceof HaloTransientException t && t.status() == 401) {
            wait = Duration.ZERO;
        } else {
            wait = backoff.delay(attempt, failure instanceof HaloTransientException t ? t.retryAfter() : null);
        }
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        if (attempt < maxAttempts) {
            // INFO: a retry that works needs nobody; the one that gives up is the poll's ERROR line
            LOG.info("{} (page {}, attempt {}/{}): retrying in {} ms", describe(failure, host),
                    exchange.getProperty(PageRequest.PAGE), attempt, maxAttempts, wait.toMillis());
        }
    }

    /** One line for a failed request, never the request itself (its headers held the token). */
    static String describe(Throwable failure, String host) {
        if (failure instanceof IOException io) {
            return "Halo at " + host + " could not be read: " + HaloEventsAnswer.describe(io) + "; "
                    + HaloEventsAnswer.whatToCheck(io);
        }
        return failure == null ? "unknown failure" : ReportPollFailure.describe(failure);
    }
}
