package io.haloconnector.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one configuration property as Camel resolves it (application.properties, -Dname=value,
 * or the environment variable NAME_IN_CAPS), blank values counting as absent.
 */
@FunctionalInterface
public interface PropertyLookup {

    Optional<String> get(String name);

    default String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    default String require(String name, String hint) {
        return get(name).orElseThrow(() -> new ConfigurationException(name + " is not set: " + hint));
    }

    default int getInt(String name, int defaultValue, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the expected range
        }
        throw new ConfigurationException(name + "=" + raw.get() + " is not valid: expected a whole number from "
                + min + " to " + max);
    }

    default boolean getBoolean(String name, boolean defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String value = raw.get().trim().toLowerCase();
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new ConfigurationException(name + "=" + raw.get() + " is not valid: expected true or false");
    }

    /** A duration written as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h} or ISO-8601 ({@code PT10S}). */
    default Duration getDuration(String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration value = parseDuration(raw.get().trim());
        if (value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
            return value;
        }
        throw new ConfigurationException(name + "=" + raw.get() + " is not valid: expected a duration such as 500ms, 10s, 5m or 2h, from "
                + min.toString().substring(2).toLowerCase() + " to " + max.toString().substring(2).toLowerCase());
    }

    private static Duration parseDuration(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(text.toLowerCase());
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
            return Duration.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
