package io.haloconnector.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as properties write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private DurationText() {
    }

    /** The duration, or null when the text is not one. */
    static Duration parse(String text) {
        Matcher m = SHORT.matcher(text.trim().toLowerCase());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** ISO-8601 without its "PT", in lower case, as messages write it: {@code 0.1s}, {@code 10m}, {@code 24h}. */
    static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }

    /** In its largest whole unit, as a property would be written: {@code 100ms}, {@code 10m}, {@code 1d}. */
    public static String shortest(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        String[] units = {"d", "h", "m", "s"};
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
