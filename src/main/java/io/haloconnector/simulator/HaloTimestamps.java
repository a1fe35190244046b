package io.haloconnector.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Halo's time formats: {@code created_at} written with milliseconds, and the dates or date-times
 * that {@code since}/{@code until} accept. The simulator compares in microseconds so that old
 * events with microsecond timestamps sort exactly.
 */
final class HaloTimestamps {

    private HaloTimestamps() {
    }

    static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** {@code 2018-01-17T21:02:36.771Z}: always three fraction digits, UTC. */
    static String format(long micros) {
        long millis = Math.floorDiv(micros, 1_000L);
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1_000L),
                (int) Math.floorMod(millis, 1_000L) * 1_000_000, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(24);
        pad(out, time.getYear(), 4).append('-');
        pad(out, time.getMonthValue(), 2).append('-');
        pad(out, time.getDayOfMonth(), 2).append('T');
        pad(out, time.getHour(), 2).append(':');
        pad(out, time.getMinute(), 2).append(':');
        pad(out, time.getSecond(), 2).append('.');
        pad(out, time.getNano() / 1_000_000, 3).append('Z');
        return out.toString();
    }

    /**
     * Reads a {@code since}/{@code until} value: a date (midnight UTC) or a date-time with any
     * number of fraction digits, {@code Z} or an offset; a zone-less date-time counts as UTC.
     */
    static long parseQueryValue(String value) {
        String text = value.trim();
        try {
            if (text.length() == 10) {
                return toMicros(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            if (text.endsWith("Z") || text.endsWith("z")) {
                return toMicros(Instant.parse(text.substring(0, text.length() - 1) + "Z"));
            }
            if (text.length() > 19 && (text.lastIndexOf('+') > 10 || text.lastIndexOf('-') > 10)) {
                return toMicros(OffsetDateTime.parse(text).toInstant());
            }
            return toMicros(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not an ISO-8601 date or date-time: '" + value + "'", e);
        }
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }
}
