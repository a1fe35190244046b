package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;

import java.time.Duration;
import java.time.Instant;

/**
 * The pages one poll asks for. The window runs from {@code since} to {@code until} (now minus the
 * safety lag), fixed for the whole poll, and is read in slices in time. Page 1 of a query says how
 * many events it matches ({@code count}); a slice holding more than one query can page through
 * (the deep-pagination cap) is narrowed in time before any of its events is delivered. So every
 * slice is read whole, in whatever order the API lists it: nothing relies on the answer being
 * sorted.
 * <p>
 * {@link #advance} says where the cursor may move: while the API is trusted to sort
 * ({@link SortedAnswers}), to the newest event of each page (everything older was listed before
 * it); once a page came out of order, only to the newest event of a slice read whole. Never to an
 * event at or after the slice's end, whatever created_at it claims. A window whose end is final (a
 * backfill's, long past: no event can still land before it) moves the cursor to that end once it is
 * read whole, so the checkpoint itself says the window is done.
 */
public final class PollWindow {
    /** A narrowed slice aims at this share of what one query can page through: room for uneven density. */
    private static final double FILL = 0.8;
    /** A slice is at most this many times as long as the one before it (after a quiet stretch). */
    private static final double MAX_GROWTH = 4;

    /** The time range of one query: {@code since} included, {@code until} not. */
    public record Slice(Instant since, Instant until) {
    }

    private final Instant pollUntil;
    private final boolean finalEnd;
    private final int perPage;
    private final SortedAnswers sorted;
    private int maxResults;
    // the slice being read: [since, until)
    private Instant since;
    private Instant until;
    private int page = 1;
    private long sliceCount;
    private boolean readAsFarAsCap;
    private Instant newestRead;
    private Instant newestInSlice;
    private Instant safeCursor;
    private boolean done;
    private long pagesRead;
    private String loss;
    private String outOfOrder;
    private boolean outOfOrderReported;

    public PollWindow(Instant since, Instant until, int perPage, int maxResults, SortedAnswers sorted) {
        this(since, until, false, perPage, maxResults, sorted);
    }

    /**
     * @param finalEnd no event can still be created before {@code until} (a backfill's end): once the
     *                 window is read whole the cursor moves to {@code until}, not just to its newest event
     */
    public PollWindow(Instant since, Instant until, boolean finalEnd, int perPage, int maxResults, SortedAnswers sorted) {
        this.since = since;
        this.until = until;
        this.pollUntil = until;
        this.finalEnd = finalEnd;
        this.perPage = perPage;
        this.maxResults = maxResults;
        this.sorted = sorted;
        this.done = !since.isBefore(until);
    }

    /** The {@code since} of the current query: the start of the slice being read. */
    public Instant since() {
        return since;
    }

    /** The {@code until} of the current query: the end of the slice being read. */
    public Instant until() {
        return until;
    }

    /** The end of the whole window (now minus the lag when the poll started): the cursor never passes it. */
    public Instant pollUntil() {
        return pollUntil;
    }

    /** The slice being read. */
    public Slice slice() {
        return new Slice(since, until);
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

    /**
     * Page 1 of a slice says how many events the slice holds. When one query cannot page through
     * them all, the slice is narrowed in time and true returned: ask for page 1 again, and deliver
     * nothing of this one.
     */
    public boolean narrowedFor(EventPage first) {
        if (page != 1) {
            return false;
        }
        sliceCount = first.count();
        return sliceCount > readable() && narrow(first);
    }

    /**
     * The API refused the current page although it is below halo.api.maxResults (422): its cap is
     * lower. From now on at most the pages before this one are read per query, and the slice is
     * narrowed to fit: from the cursor when sorted pages moved it, else from the slice's start again
     * (the dedup drops what comes back).
     */
    public void refusedPage() {
        maxResults = (page - 1) * perPage;
        if (sliceCount <= readable() || !narrow(null)) {
            // nothing narrower to ask for (a millisecond, reported as a loss): what the cap allowed was read
            completeSlice();
        }
    }

    /**
     * A page was delivered: moves to the next page or slice, and returns the created_at the
     * checkpoint's cursor may move to (everything the API listed before it has been read), or null.
     */
    public Instant advance(EventPage read) {
        if (done) {
            return safeCursor;
        }
        pagesRead++;
        for (HaloEvent event : read.events()) {
            Instant at = event.createdAt();
            if (newestRead != null && at.isBefore(newestRead)) {
                outOfOrder(event);
            }
            if (newestRead == null || at.isAfter(newestRead)) {
                newestRead = at;
            }
            if (at.isBefore(until) && (newestInSlice == null || at.isAfter(newestInSlice))) {
                newestInSlice = at;
            }
        }
        // sorted pages: all that is older than this page's newest event was listed before it
        if (sorted.trusted()) {
            moveSafeCursor(newestInSlice);
        }
        // a page of only bad events (set aside) is not the end of the window
        boolean last = !read.hasNext() || read.events().isEmpty() && read.badEvents().isEmpty();
        if (!last && page >= maxPage()) {
            sliceCount = Math.max(sliceCount, read.count());
            if (!readAsFarAsCap && sliceCount > readable() && narrow(read)) {
                return safeCursor; // more than page 1 counted (events arrived meanwhile): a narrower slice, read again
            }
            last = true;
        }
        if (last) {
            completeSlice();
        } else {
            page++;
        }
        return safeCursor;
    }

    /** A loss to report at ERROR (events the API cannot page through), once, then null. */
    public String takeLoss() {
        String text = loss;
        loss = null;
        return text;
    }

    /** The first page of this poll that came out of created_at order, described once, then null. */
    public String takeOutOfOrder() {
        String text = outOfOrder;
        outOfOrder = null;
        return text;
    }

    /** The events one query can page through (the deep-pagination cap). */
    public long readable() {
        return (long) maxPage() * perPage;
    }

    /**
     * The slice {@link #advance} moves to once {@code slice} is read whole, its page 1 having
     * counted {@code count} events (unless events arrive meanwhile and it is narrowed); null when it
     * ends the window. So the next slice's pages can be requested before the route gets there.
     */
    public Slice sliceAfter(Slice slice, long count) {
        return following(slice, count, readAsFarAsCap && slice.equals(slice()));
    }

    // the next slice as long as this one's density says fits (at most MAX_GROWTH times longer)
    private Slice following(Slice slice, long count, boolean asFarAsCap) {
        if (!slice.until().isBefore(pollUntil)) {
            return null;
        }
        long width = Duration.between(slice.since(), slice.until()).toMillis();
        double scale = asFarAsCap ? 1 : Math.min(MAX_GROWTH, FILL * readable() / Math.max(1, count));
        Instant end = slice.until().plusMillis(Math.max(1, (long) (width * scale)));
        return new Slice(slice.until(), end.isBefore(pollUntil) ? end : pollUntil);
    }

    /**
     * Narrows the slice to about FILL of what one query can page through, assuming even density
     * (mid-slice, events arrived meanwhile or the API's cap is lower than configured);
     * false when it cannot be: a millisecond wide, or an API that ignores until (its count does not
     * depend on it). Then the slice is read as far as the cap allows and the loss reported.
     */
    private boolean narrow(EventPage answer) {
        if (page > 1 && sorted.trusted() && safeCursor != null && safeCursor.isAfter(since)) {
            // sorted pages moved the cursor, dropping older ids: the narrower slice starts there, not again
            since = safeCursor;
        }
        long width = Duration.between(since, until).toMillis();
        Instant beyond = answer == null ? null : firstAtOrAfter(answer, until);
        if (width <= 1 || beyond != null) {
            readAsFarAsCap = true;
            loss = beyond == null
                    ? "More than halo.api.maxResults events share created_at " + since + ": the Halo API cannot page past"
                    + " them, so events of that millisecond beyond the cap were not delivered"
                    : "Halo counted " + sliceCount + " events from " + since + " although until=" + until + " was asked"
                    + " (it listed one created at " + beyond + "): it ignores until, so this window cannot be narrowed,"
                    + " and events beyond the first " + readable() + " of it may be missed";
            return false;
        }
        until = since.plusMillis(Math.max(1, (long) (width * FILL * readable() / sliceCount)));
        startSlice();
        return true;
    }

    /** The slice is read whole (or as far as the cap allows): the cursor may move to its newest event. */
    private void completeSlice() {
        moveSafeCursor(newestInSlice);
        Slice next = following(slice(), sliceCount, readAsFarAsCap);
        if (next == null) {
            done = true;
            if (finalEnd) {
                // everything before the final end has been read: the checkpoint's cursor says the window is done
                moveSafeCursor(pollUntil);
            }
            return;
        }
        since = next.since();
        until = next.until();
        startSlice();
    }

    private void startSlice() {
        page = 1;
        readAsFarAsCap = false;
        newestRead = null;
        newestInSlice = null;
    }

    private void moveSafeCursor(Instant to) {
        if (to != null && (safeCursor == null || to.isAfter(safeCursor))) {
            safeCursor = to;
        }
    }

    private void outOfOrder(HaloEvent event) {
        sorted.distrust();
        if (!outOfOrderReported) {
            outOfOrderReported = true;
            outOfOrder = "Halo listed page " + page + " of " + since + " to " + until + " out of created_at order (event "
                    + event.id() + " created at " + event.createdAt() + " after one of " + newestRead + "): it does not"
                    + " sort as sort_by asks, so from now on the checkpoint's cursor moves only when a slice of the"
                    + " window has been read whole";
        }
    }

    private static Instant firstAtOrAfter(EventPage answer, Instant end) {
        for (HaloEvent event : answer.events()) {
            if (!event.createdAt().isBefore(end)) {
                return event.createdAt();
            }
        }
        return null;
    }
}
