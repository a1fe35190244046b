package io.haloconnector.hec;

/** Told what HEC answers (for metrics and readiness); every method may be called from the route's thread. */
public interface HecObserver {
    HecObserver NONE = new HecObserver() {
    };

    /** An answer to an events POST: its HEC code, or {@code http-<status>}, or {@code none} when no answer came. */
    default void answered(String code) {
    }

    /** A batch HEC accepted, with its number of events. */
    default void accepted(int events) {
    }

    /** An event written to the dead-letter file. */
    default void deadLettered() {
    }

    /** HEC is not taking events (busy, down, refusing the configuration); null when it takes them again. */
    default void unavailable(String why) {
    }
}
