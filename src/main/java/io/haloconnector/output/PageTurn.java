package io.haloconnector.output;

/**
 * A page's turn to go to the output's receiver, on the page's exchange (property {@value #PROPERTY}):
 * an output whose route awaits it before its first request sends at most as many pages at once as
 * its limit, in page order, while the next page waits ready. An exchange without one (a replay of
 * dead letters) goes at once.
 */
@FunctionalInterface
public interface PageTurn {
    /** Exchange property: the page's {@link PageTurn}. */
    String PROPERTY = "haloPageTurn";

    /**
     * Exchange property, Boolean, set by the output's turn step: a stop came before the page's turn, so it goes
     * no further (it sent nothing, is not committed, and the restart reads it again).
     */
    String WITHDRAWN = "haloPageWithdrawn";

    /** Returns once the page may go to the receiver (true), or once the connector is stopping before its turn (false). */
    boolean await() throws InterruptedException;
}
