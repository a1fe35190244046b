package io.haloconnector.halo;

import java.time.Duration;

/** A failure that waiting fixes (5xx, 429, reset, timeout, truncated page): the same request is repeated. */
public class HaloTransientException extends HaloApiException {
    private final Duration retryAfter;
    private final int status;

    public HaloTransientException(String message, Duration retryAfter, Throwable cause) {
        this(message, 0, retryAfter, cause);
    }

    /** {@code status} is the HTTP status, 0 when no answer came. */
    public HaloTransientException(String message, int status, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, 0 when no answer came. */
    public int status() {
        return status;
    }

    /** A 429: the caller sends fewer requests at once. */
    public boolean rateLimited() {
        return status == 429;
    }

    /** The wait the API asked for (429 Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
