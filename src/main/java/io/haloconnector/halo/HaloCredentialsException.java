package io.haloconnector.halo;

/** The API refused the key, its secret or its scope (401 twice, 403): no retry storm, the next poll tries again. */
public class HaloCredentialsException extends HaloApiException {
    public HaloCredentialsException(String message) {
        super(message);
    }
}
