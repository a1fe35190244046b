package io.haloconnector.halo;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads Halo's {@code created_at} ({@code 2018-01-17T21:02:36.771Z}, 0 to 9 fraction digits)
 * without a DateTimeFormatter. Our own code because it runs once per event and the formatter's
 * general machinery costs several times more; any text outside that exact form (an offset,
 * a leap second, a bad digit) goes to {@link Instant#parse}, so the result and the errors are
 * always the JDK's.
 */
final class IsoInstant {

    private IsoInstant() {
    }

    static Instant parse(String text) {
        int n = text.length();
        if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z'
                || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = n > 20 ? digits(text, 20, n - 1) : 0;
        if ((year | month | day | hour | minute | second | nanos) < 0) {
            return Instant.parse(text);
        }
        for (int scale = n - 21; scale < 9 && n > 20; scale++) {
            nanos *= 10;
        }
        try {
            return Instant.ofEpochSecond(LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC), nanos);
        } catch (DateTimeException e) {
            return Instant.parse(text); // out of range: the JDK's own message
        }
    }

    /** The decimal number in [from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
