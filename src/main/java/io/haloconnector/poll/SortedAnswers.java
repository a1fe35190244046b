package io.haloconnector.poll;

/**
 * Whether the Halo API is trusted to list events in {@code created_at} order, as
 * {@code sort_by=created_at.asc} asks. Trusted until one page comes out of order; from then on,
 * for the rest of the run, the cursor moves only when a slice of the window has been read whole.
 */
public final class SortedAnswers {
    private volatile boolean trusted = true;

    public boolean trusted() {
        return trusted;
    }

    void distrust() {
        trusted = false;
    }
}
