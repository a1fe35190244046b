package io.haloconnector.retry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header, in either of its forms: delta-seconds ({@code 120})
 * or an RFC 1123 HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Halo and HEC both send it
 * on 429 and 503, and both answers are read here so they are honoured alike.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the header asks for, zero when it lies in the past, or null when it cannot be read. */
    public static Duration parse(String headerValue) {
        return parse(headerValue, Instant.now());
    }

    /** As {@link #parse(String)}, with an HTTP-date counted from {@code now}. */
    static Duration parse(String headerValue, Instant now) {
        if (headerValue == null || headerValue.isBlank()) {
            return null;
        }
        String value = headerValue.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration until = Duration.between(now, at);
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
