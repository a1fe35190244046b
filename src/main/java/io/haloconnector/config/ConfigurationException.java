package io.haloconnector.config;

/**
 * A property is missing or wrong. The message is one line that names the property, says what is
 * wrong with the value and what is expected; the connector prints it and exits non-zero.
 */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
