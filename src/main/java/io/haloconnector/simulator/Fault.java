package io.haloconnector.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One misbehaviour the simulator applies to a single request, queued through {@link FaultInjector}.
 */
public final class Fault {

    /** What the fault does to the request it hits. */
    enum Kind { STATUS, TOO_MANY_REQUESTS, TRUNCATED_BODY, CONNECTION_RESET, DELAY, STALLED_BODY, TRICKLED_BODY, HANG }

    /** The bytes of the body a {@link #stalledBody()} sends before it stalls. */
    static final int STALLED_AFTER_BYTES = 40;

    private final Kind kind;
    private final int status;
    private final int retryAfterSeconds;
    private final Duration delay;

    private Fault(Kind kind, int status, int retryAfterSeconds, Duration delay) {
        this.kind = kind;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.delay = delay;
    }

    /** Answers with this HTTP status (500, 502, 503, 504, 403 ...) and a small JSON error body. */
    public static Fault status(int httpStatus) {
        if (httpStatus < 100 || httpStatus > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + httpStatus);
        }
        return new Fault(Kind.STATUS, httpStatus, 0, Duration.ZERO);
    }

    /** Answers 429 with {@code Retry-After: retryAfterSeconds}. */
    public static Fault tooManyRequests(int retryAfterSeconds) {
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be 0 or more, got " + retryAfterSeconds);
        }
        return new Fault(Kind.TOO_MANY_REQUESTS, 429, retryAfterSeconds, Duration.ZERO);
    }

    /** Answers 200 with the first half of the real body (its Content-Length says half): invalid JSON. */
    public static Fault truncatedBody() {
        return new Fault(Kind.TRUNCATED_BODY, 200, 0, Duration.ZERO);
    }

    /** Closes the connection without any HTTP answer. */
    public static Fault connectionReset() {
        return new Fault(Kind.CONNECTION_RESET, 0, 0, Duration.ZERO);
    }

    /** Waits this long, then answers normally. */
    public static Fault delay(Duration extraLatency) {
        Objects.requireNonNull(extraLatency, "extraLatency");
        if (extraLatency.isNegative()) {
            throw new IllegalArgumentException("extraLatency must not be negative, got " + extraLatency);
        }
        return new Fault(Kind.DELAY, 0, 0, extraLatency);
    }

    /**
     * Answers 200 with the real answer's headers (its full Content-Length) and its first 40 bytes,
     * then sends nothing more and holds the connection open until the simulator stops: what a
     * stuck proxy or server does. HttpClient's socket timeout would not fire if it were trickled.
     */
    public static Fault stalledBody() {
        return new Fault(Kind.STALLED_BODY, 200, 0, Duration.ZERO);
    }

    /** Answers 200 with the real answer, one byte every {@code perByte} ({@code Duration.ofSeconds(1)}: 1 byte/s). */
    public static Fault trickledBody(Duration perByte) {
        Objects.requireNonNull(perByte, "perByte");
        if (perByte.isNegative() || perByte.isZero()) {
            throw new IllegalArgumentException("perByte must be positive, got " + perByte);
        }
        return new Fault(Kind.TRICKLED_BODY, 200, 0, perByte);
    }

    /** Reads the request and never answers, holding the connection open until the simulator stops. */
    public static Fault hang() {
        return new Fault(Kind.HANG, 0, 0, Duration.ZERO);
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STATUS -> "Fault.status(" + status + ")";
            case TOO_MANY_REQUESTS -> "Fault.tooManyRequests(" + retryAfterSeconds + ")";
            case TRUNCATED_BODY -> "Fault.truncatedBody()";
            case CONNECTION_RESET -> "Fault.connectionReset()";
            case DELAY -> "Fault.delay(" + delay + ")";
            case STALLED_BODY -> "Fault.stalledBody()";
            case TRICKLED_BODY -> "Fault.trickledBody(" + delay + ")";
            case HANG -> "Fault.hang()";
        };
    }
}
