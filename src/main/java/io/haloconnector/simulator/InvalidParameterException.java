package io.haloconnector.simulator;

/** A query parameter the API refuses; the message names the parameter and says what is expected. */
final class InvalidParameterException extends RuntimeException {

    private final String parameter;

    InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }
}
