package io.haloconnector.simulator;

/**
 * The order in which the simulator lists a window's events. The Halo API sorts by
 * {@code sort_by}; a proxy or an API version that ignores it answers in another order, which the
 * connector must survive.
 */
public enum AnswerOrder {
    /** As {@code sort_by} asks (the default). */
    AS_ASKED,
    /** The opposite of what {@code sort_by} asks. */
    REVERSED,
    /** Shuffled, the same way for every page of one query (same since and until). */
    SHUFFLED
}
