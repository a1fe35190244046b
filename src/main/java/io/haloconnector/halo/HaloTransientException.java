package io.haloconnector.halo;

import java.time.Duration;

/** A failure that waiting fixes (5xx, 429, reset, timeout, truncated page): the same request is repeated. */
public class HaloTransientException extends HaloApiException {
    private final Duration retryAfter;

    public HaloTransientException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** The wait the API asked for (429 Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
