package io.haloconnector.poll;

/**
 * The exchange properties of one events page request, which the route's camel-http {@code toD}
 * turns into the query: since and until (ISO-8601, millisecond precision), page and per_page.
 */
public final class PageRequest {
    public static final String SINCE = "haloSince";
    public static final String UNTIL = "haloUntil";
    public static final String PAGE = "haloPage";
    public static final String PER_PAGE = "haloPerPage";
    /**
     * Boolean: a page requested ahead of the one the poll is at. It is not retried: the poll asks
     * for it again when it gets there, so one page at a time waits out a bad stretch.
     */
    public static final String AHEAD = "haloPageAhead";
    /** The account whose page this is (its token, pacing and answer checks serve the request). */
    public static final String ACCOUNT = "haloAccount";
    /** The account's API base URL, the start of the request's {@code toD}. */
    public static final String API_URL = io.haloconnector.halo.HaloTokenProvider.API_URL;

    private PageRequest() {
    }
}
