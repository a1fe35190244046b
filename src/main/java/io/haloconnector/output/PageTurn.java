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

    /** Returns once the page may go to the receiver. */
    void await() throws InterruptedException;
}
