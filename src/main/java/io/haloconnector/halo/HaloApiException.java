package io.haloconnector.halo;

/**
 * The Halo API refused or failed a call. Messages name the API host and say what to change; they
 * never contain the secret, a token or an Authorization header.
 */
public class HaloApiException extends RuntimeException {
    public HaloApiException(String message) {
        super(message);
    }

    public HaloApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
