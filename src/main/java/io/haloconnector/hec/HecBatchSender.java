package io.haloconnector.hec;

import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.AdaptiveConcurrency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gets one batch into HEC, whatever it takes, one answer at a time: the page's loop asks it for the
 * request to make ({@link #request}) and hands it each answer ({@link #eventAnswer},
 * {@link #healthAnswer}). Transient failures are retried with backoff (after a few, the health
 * endpoint is asked until it says healthy), configuration refusals slowly with an ERROR saying
 * what to change, and malformed events are split out into the dead-letter file. The waits block
 * the page's thread: that is the connector's backpressure. Pages in flight call it from several
 * threads at once; a 503 or 429 tells {@link AdaptiveConcurrency} to take pages off (the poll's
 * pages in flight tell it their round-trip time).
 */
final class HecBatchSender {

    /** A part of a batch that HEC accepted, with its ackId (null when ack is off or HEC gave none). */
    record SentBatch(HecBatch batch, Long ackId, long sentAtNanos) {
    }

    /** One batch on its way into HEC: its failed tries so far, and whether the health endpoint just said healthy. */
    static final class Attempt {
        final HecBatch batch;
        int failures;
        int refusals;
        boolean healthy;

        Attempt(HecBatch batch) {
            this.batch = batch;
        }
    }

    /**
     * What an event POST's answer did to the attempt: accepted (the part sent, for the acks), split
     * into parts to send in its place, or neither (dead-lettered alone, or to be tried again: {@code retry}).
     */
    record Result(SentBatch accepted, List<HecBatch> parts, boolean retry) {
        static final Result RETRY = new Result(null, List.of(), true);
        static final Result DONE = new Result(null, List.of(), false);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HecBatchSender.class);
    /** Consecutive transient failures after which the health endpoint is consulted before resending. */
    static final int FAILURES_BEFORE_HEALTH_CHECK = 3;

    private final HecSettings settings;
    private final HecDeadLetters deadLetters;
    private final StopSignal stop;
    private final StopSignal retries;
    private final Backoff backoff;
    private final HecObserver observer;
    private final AdaptiveConcurrency inFlight;
    /** HEC's host:port, named by every line about a failed request. */
    private final String receiver;

    /** {@code stop} ends every wait and request; {@code retries} (the connector stopping) ends the retries only. */
    HecBatchSender(HecSettings settings, HecDeadLetters deadLetters, StopSignal stop, StopSignal retries,
                   HecObserver observer, AdaptiveConcurrency inFlight) {
        this.retries = retries;
        this.settings = settings;
        this.receiver = ConnectorSettings.hostAndPort(settings.url());
        this.inFlight = inFlight;
        this.observer = observer;
        this.deadLetters = deadLetters;
        this.stop = stop;
        // first retry after up to 250 ms, doubling to hec.retry.maxDelay
        this.backoff = new Backoff(Duration.ofMillis(Math.min(250, settings.retryMaxDelay().toMillis())), settings.retryMaxDelay());
    }

    /**
     * The attempt's next request: its POST, or a health GET once it failed
     * {@value #FAILURES_BEFORE_HEALTH_CHECK} times in a row, until HEC says healthy. No retry once
     * the connector is stopping (throws), and nothing at all once closed.
     */
    HecRequest request(Attempt attempt) throws HecSinkClosedException {
        stop.check();
        if (attempt.failures + attempt.refusals > 0) {
            retries.check();
        }
        if (attempt.failures >= FAILURES_BEFORE_HEALTH_CHECK && !attempt.healthy) {
            return HecRequest.health();
        }
        attempt.healthy = false;
        return HecRequest.events(attempt.batch);
    }

    /** Reads HEC's answer to the attempt's POST, sent at {@code sentAtNanos}; waits before a retry. */
    Result eventAnswer(Attempt attempt, HecAnswer answer, long sentAtNanos) throws InterruptedException, IOException {
        HecBatch batch = attempt.batch;
        observer.answered(!answer.answered() ? "none" : answer.code() != null ? answer.code().toString() : "http-" + answer.status());
        HecOutcome outcome = HecOutcome.of(answer);
        switch (outcome) {
            case TRANSIENT -> {
                attempt.failures++;
                if (answer.status() == 503 || answer.status() == 429) {
                    // HEC's queue is full or it limits the rate: fewer pages at once
                    inFlight.backPressure();
                }
                observer.unavailable("HEC answered " + redact(answer.describe()));
                Duration delay = backoff.delay(attempt.failures, answer.retryAfter());
                if (!answer.answered()) {
                    // refused, reset, timed out: an ERROR that names HEC's address, like any failed output
                    LOG.error("HEC at {} gave {} to a batch of {} events: check hec.url and that HEC runs; retry {} in {} ms",
                            receiver, redact(answer.describe()), batch.size(), attempt.failures, delay.toMillis());
                    logInFull(answer);
                } else {
                    LOG.warn("HEC answered {} to a batch of {} events; retry {} in {} ms", redact(answer.describe()),
                            batch.size(), attempt.failures, delay.toMillis());
                }
                retries.sleep(delay);
                return Result.RETRY;
            }
            case CONFIGURATION -> {
                attempt.refusals++;
                observer.unavailable(configurationProblem(answer));
                LOG.error("{}; retrying every {} ms until it is fixed (nothing is lost meanwhile)",
                        configurationProblem(answer), settings.retryMaxDelay().toMillis());
                logInFull(answer);
                retries.sleep(settings.retryMaxDelay());
                return Result.RETRY;
            }
            case ACCEPTED -> {
                decided(attempt);
                observer.accepted(batch.size());
                return new Result(new SentBatch(batch, answer.ackId(), sentAtNanos), List.of(), false);
            }
            case BAD_EVENT, TOO_LARGE -> {
                decided(attempt);
                if (batch.size() == 1) {
                    deadLetter(batch.get(0), answer);
                    return Result.DONE;
                }
                Integer bad = answer.invalidEventNumber();
                List<HecBatch> parts = new ArrayList<>();
                if (bad != null && bad >= 0 && bad < batch.size() && outcome == HecOutcome.BAD_EVENT) {
                    // HEC named the event: the ones before it, it alone (to confirm), the rest
                    parts.add(batch.slice(0, bad));
                    parts.add(batch.slice(bad, bad + 1));
                    parts.add(batch.slice(bad + 1, batch.size()));
                } else {
                    int half = batch.size() / 2;
                    parts.add(batch.slice(0, half));
                    parts.add(batch.slice(half, batch.size()));
                }
                parts.removeIf(part -> part.size() == 0);
                return new Result(null, parts, false);
            }
            case BUG -> throw new IllegalStateException("HEC answered " + answer.describe() + " to a batch of "
                    + batch.size() + " events: the sender built an empty body");
            default -> throw new IllegalStateException("unexpected outcome for " + answer.describe());
        }
    }

    /** HEC answered, and the answer decides the batch's fate: HEC takes requests again. */
    private void decided(Attempt attempt) {
        inFlight.accepted();
        observer.unavailable(null);
        if (attempt.failures + attempt.refusals > 0) {
            LOG.info("HEC accepted the batch of {} events after {} failed attempts", attempt.batch.size(),
                    attempt.failures + attempt.refusals);
        }
    }

    /** Reads the health endpoint's answer: healthy (code 17) lets the attempt POST again, anything else waits. */
    void healthAnswer(Attempt attempt, HecAnswer health) throws InterruptedException, HecSinkClosedException {
        boolean unhealthy = !health.answered() || health.status() >= 500 || Integer.valueOf(18).equals(health.code());
        if (!unhealthy) {
            // healthy (17), or an endpoint that does not know /health (404 behind some proxies): resend
            attempt.healthy = true;
            return;
        }
        attempt.failures++;
        Duration delay = backoff.delay(attempt.failures, health.retryAfter());
        if (!health.answered()) {
            LOG.error("HEC health check at {} gave {}: check hec.url and that HEC runs; checking again in {} ms before resending",
                    receiver, redact(health.describe()), delay.toMillis());
            logInFull(health);
        } else {
            LOG.warn("HEC health check answered {}; checking again in {} ms before resending", redact(health.describe()),
                    delay.toMillis());
        }
        retries.sleep(delay);
    }

    private void deadLetter(HecBatch.Entry entry, HecAnswer answer) throws IOException {
        String reason = answer.code() != null
                ? "code " + answer.code() + ": " + (answer.text() == null ? "" : redact(answer.text()))
                : "HTTP " + answer.status() + (answer.text() == null ? "" : ": " + redact(answer.text()));
        deadLetters.write(entry.event(), reason);
        observer.deadLettered();
        LOG.warn("HEC refused event {} ({}); written to {} and skipped", entry.event().id(), reason, deadLetters.file());
    }

    /** The failure's stack trace, at DEBUG only: the ERROR line says what matters. */
    private static void logInFull(HecAnswer answer) {
        if (answer.failure() != null && LOG.isDebugEnabled()) {
            LOG.debug("The HEC request's failure in full", answer.failure());
        }
    }

    /** One line naming the HEC code and what to change. */
    String configurationProblem(HecAnswer answer) {
        if (!answer.answered()) {
            Throwable failure = answer.failure();
            String reason = failure == null ? answer.describe() : failure.getClass().getSimpleName() + ": " + failure.getMessage();
            return "HEC at " + receiver + " failed the TLS handshake (" + redact(reason) + "): check hec.tls.trustStore (it must"
                    + " hold the HEC certificate or its CA), or set hec.tls.insecure=true on a test setup";
        }
        String text = answer.text() == null ? "" : ", " + redact(answer.text());
        Integer code = answer.code();
        if (code == null) {
            return answer.status() == 404
                    ? "HEC was not found at " + settings.url() + "/services/collector/event (HTTP 404): check hec.url"
                    : "HEC at " + receiver + " refused the batch (HTTP " + answer.status() + "): check hec.url and hec.token";
        }
        String codeText = "(code " + code + text + ")";
        return switch (code) {
            case 1 -> "HEC at " + receiver + " refused the token " + codeText + ": enable the token in Splunk, or check hec.token";
            case 2, 3, 4 -> "HEC at " + receiver + " refused the token " + codeText + ": check hec.token";
            case 7 -> settings.index().map(index -> "HEC at " + receiver + " refused index '" + index + "' " + codeText
                            + ": check hec.index (the index must exist and the token must allow it)")
                    .orElse("HEC at " + receiver + " refused the token's default index " + codeText + ": set hec.index or fix the token's default index");
            case 10 -> "HEC at " + receiver + " requires a channel " + codeText + ": the token has indexer acknowledgement on, set hec.ack=true "
                    + "or turn acknowledgement off on the token";
            case 11 -> "HEC at " + receiver + " refused the channel " + codeText + ": check that a proxy in front of HEC passes X-Splunk-Request-Channel";
            case 14 -> "HEC at " + receiver + " refused acknowledgement " + codeText + ": turn on indexer acknowledgement for the token, or set hec.ack=false";
            case 16 -> "HEC at " + receiver + " refused query-string authorization " + codeText + ": check hec.url (it must not carry the token)";
            default -> "HEC at " + receiver + " refused the batch (HTTP " + answer.status() + ", " + codeText.substring(1, codeText.length() - 1)
                    + "): check hec.url and hec.token";
        };
    }

    /** HEC's host:port, as the lines about its failed requests name it. */
    String receiver() {
        return receiver;
    }

    /** Server-provided text is logged, so the token is masked in case a proxy echoes it. */
    String redact(String text) {
        return text == null ? null : text.replace(settings.token(), "****");
    }
}
