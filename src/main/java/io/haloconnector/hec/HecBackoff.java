package io.haloconnector.hec;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: attempt n waits a random time up to
 * min(maxDelay, base * 2^(n-1)), at least what Retry-After asked, never more than maxDelay.
 */
final class HecBackoff {

    private final long baseMillis;
    private final long maxMillis;

    HecBackoff(Duration maxDelay) {
        this.maxMillis = Math.max(1, maxDelay.toMillis());
        this.baseMillis = Math.min(250, maxMillis);
    }

    Duration delay(int attempt, Duration retryAfter) {
        long cap = baseMillis << Math.min(Math.max(attempt - 1, 0), 20);
        cap = Math.min(cap, maxMillis);
        long millis = ThreadLocalRandom.current().nextLong(1, cap + 1);
        if (retryAfter != null) {
            millis = Math.max(millis, retryAfter.toMillis());
        }
        return Duration.ofMillis(Math.min(millis, maxMillis));
    }
}
