package io.haloconnector.state;

/** The checkpoint could not be read or written; the message names the file and what to do. */
public class StateException extends RuntimeException {
    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
