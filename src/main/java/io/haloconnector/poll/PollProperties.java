package io.haloconnector.poll;

/** Names of the exchange properties the poll route carries between its steps. */
public final class PollProperties {
    /** The {@link PollWindow} of the running poll. */
    public static final String WINDOW = "haloPollWindow";
    /** The {@link io.haloconnector.halo.EventPage} being delivered. */
    public static final String PAGE = "haloEventPage";
    /** The {@link PagePrefetch} of the running poll. */
    public static final String PREFETCH = "haloPagePrefetch";
    /** Boolean: the loop fetches another page. */
    public static final String MORE_PAGES = "haloMorePages";

    private PollProperties() {
    }
}
