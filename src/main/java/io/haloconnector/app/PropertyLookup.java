package io.haloconnector.app;

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
}
