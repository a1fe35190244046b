package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;

import java.time.Instant;

/**
 * The pages one poll asks for. {@code until} is fixed for the whole poll (now minus the safety
 * lag), so pages sorted by created_at do not shift while events keep arriving. Pages are read one
 * after another until the API has no next page. Before a page would pass the deep-pagination cap,
 * {@code since} moves to the newest event read so far (inclusive: the dedup drops what repeats)
 * and paging starts again at page 1.
 */
public final class PollWindow {
    private final Instant until;
    private final int perPage;
    private final int maxResults;
    private Instant since;
    private int page = 1;
    private Instant newest;
    private boolean done;
    private long pagesRead;
    private Instant unreadableBurst;

    public PollWindow(Instant since, Instant until, int perPage, int maxResults) {
        this.since = since;
        this.until = until;
        this.perPage = perPage;
        this.maxResults = maxResults;
        this.done = !since.isBefore(until);
    }

    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }

    public int page() {
        return page;
    }

    public int perPage() {
        return perPage;
    }

    /** The last page below the deep-pagination cap. */
    public int maxPage() {
        return Math.max(1, maxResults / perPage);
    }

    public boolean hasMorePages() {
        return !done;
    }

    public long pagesRead() {
        return pagesRead;
    }

    /** Moves to the page after {@code read}, or ends the poll when the window is exhausted. */
    public void advance(EventPage read) {
        pagesRead++;
        for (HaloEvent event : read.events()) {
            if (newest == null || event.createdAt().isAfter(newest)) {
                newest = event.createdAt();
            }
        }
        // a page of only bad events (set aside) is not the end of the window
        if (!read.hasNext() || read.events().isEmpty() && read.badEvents().isEmpty()) {
            done = true;
        } else if ((long) (page + 1) * perPage > maxResults) {
            if (!restartAtNewest()) {
                skipUnreadableBurst();
            }
        } else {
            page++;
        }
    }

    /**
     * More events than the cap share one created_at: the API cannot page past them. Step over
     * that millisecond so the connector does not loop for ever; the caller reports the loss loudly.
     */
    public void skipUnreadableBurst() {
        unreadableBurst = since;
        since = since.plusMillis(1);
        page = 1;
    }

    /** The timestamp of a burst the API could not page through, once, then null. */
    public Instant takeUnreadableBurst() {
        Instant burst = unreadableBurst;
        unreadableBurst = null;
        return burst;
    }

    /**
     * The API refused a page past its cap (its cap is lower than configured): continue from the
     * newest event read. Returns false when that cannot make progress (the cap was hit on page 1).
     */
    public boolean restartAtNewest() {
        if (newest == null || !newest.isAfter(since)) {
            return false;
        }
        since = newest;
        page = 1;
        return true;
    }
}
