package io.haloconnector.output;

/**
 * The headers of the output contract: what an output route reads besides the {@link EventBatch}
 * body. They are named here, with the body, so an output (HEC, Kafka, a user's route) reads them
 * without depending on the poll that sets them.
 */
public final class PageHeaders {
    /** New events in the body, never 0: empty pages are not sent. */
    public static final String EVENT_COUNT = "haloEventCount";
    /** The page number in the poll's query. */
    public static final String PAGE = "haloPage";
    /** The page's newest created_at before the poll window's end: the checkpoint moves at most there. */
    public static final String CURSOR = "haloCursor";
    /** The Halo account's name. */
    public static final String ACCOUNT = "haloAccount";
    /** The account's HEC index, where it sets one (in place of hec.index). */
    public static final String INDEX = "haloIndex";
    /** The account's HEC source, where it sets one (in place of hec.source). */
    public static final String SOURCE = "haloSource";
    /** The account's HEC sourcetype, where it sets one (in place of hec.sourcetype). */
    public static final String SOURCETYPE = "haloSourcetype";

    private PageHeaders() {
    }
}
