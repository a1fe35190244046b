package io.haloconnector.halo;

/** The Halo API answered something that is not a well-formed events page (truncated JSON, a missing field). Transient: the page is fetched again. */
public class MalformedResponseException extends RuntimeException {
    public MalformedResponseException(String message) {
        super(message);
    }

    public MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
