package io.haloconnector.config;

import java.time.Duration;
import java.util.Optional;

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
        Duration value = DurationText.parse(raw.get().trim());
        if (value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
            return value;
        }
        throw new ConfigurationException(name + "=" + raw.get() + " is not valid: expected a duration such as 500ms, 10s, 5m or 2h, from "
                + DurationText.format(min) + " to " + DurationText.format(max));
    }

    /** The property's value, or absent when it is blank; for properties the table gives no default. */
    default Optional<String> get(ConnectorProperty property) {
        return get(property.property());
    }

    /** The property's value, or the table's default. */
    default String getOrDefault(ConnectorProperty property) {
        return get(property.property(), property.requiredDefault());
    }

    default String require(ConnectorProperty property, String hint) {
        return require(property.property(), hint);
    }

    /** A whole number within the table's range, or the table's default. */
    default int getInt(ConnectorProperty property) {
        AllowedValues.WholeNumbers range = property.allowed(AllowedValues.WholeNumbers.class);
        return getInt(property.property(), property.defaultInt(), range.min(), range.max());
    }

    default boolean getBoolean(ConnectorProperty property) {
        property.allowed(AllowedValues.TrueOrFalse.class);
        return getBoolean(property.property(), property.defaultBoolean());
    }

    /** One of the table's values, or the table's default. */
    default String getOneOf(ConnectorProperty property) {
        String value = getOrDefault(property).trim().toLowerCase(java.util.Locale.ROOT);
        if (!property.allowed(AllowedValues.OneOf.class).values().contains(value)) {
            throw new ConfigurationException(property.property() + "=" + value + " is not valid: expected " + property.expected());
        }
        return value;
    }

    /** A duration within the table's range, or the table's default. */
    default Duration getDuration(ConnectorProperty property) {
        AllowedValues.Durations range = property.allowed(AllowedValues.Durations.class);
        return getDuration(property.property(), property.defaultDuration(), range.min(), range.max());
    }
}
