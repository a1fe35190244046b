package io.haloconnector.state;

/** The state database cannot be reached now; it may be later (the connector keeps trying). */
public class StateUnavailableException extends StateException {
    public StateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
