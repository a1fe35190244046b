package io.haloconnector.halo;

/** Told of every answer the Halo API gives (for metrics); status 0 means no HTTP answer at all. */
@FunctionalInterface
public interface HaloRequestObserver {
    HaloRequestObserver NONE = (endpoint, status) -> { };

    /** {@code endpoint} is {@code token} or {@code events}. */
    void answered(String endpoint, int status);
}
