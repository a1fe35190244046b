package io.haloconnector.halo;

/** 400 or 422 on an events page: a parameter the API does not take, or a page past the deep-pagination cap. */
public class HaloRequestRejectedException extends HaloApiException {
    private final int status;

    public HaloRequestRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
