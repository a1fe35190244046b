package io.haloconnector.state;

import io.haloconnector.halo.HaloEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the connector is in the event stream, and the only place the checkpoint is written.
 * <p>
 * Commit point: {@link #commit} runs for the pages whose output returned, in page order (one
 * page, or several coalesced into one save), so the saved cursor never runs ahead of what the
 * output took. The cursor is the {@code created_at}
 * of the newest delivered event before which everything listed has been read (the poll says how
 * far that is, and it is never past the poll window's end); the next poll asks
 * {@code since = cursor - overlap} (inclusive),
 * and the delivered ids kept for that window drop what comes back, so a burst of equal
 * timestamps split across pages or polls is neither lost nor repeated.
 */
public final class EventCursor {
    private static final Logger LOG = LoggerFactory.getLogger(EventCursor.class);

    private final CheckpointStore store;
    private final DeliveredEvents delivered;
    private final Duration overlap;
    private final String output;
    private Checkpoint current;
    // a commit whose save failed: retried before the next poll, so delivery never runs ahead of the state
    private Checkpoint unsaved;
    private Instant savedCursor;

    public EventCursor(CheckpointStore store, DeliveredEvents delivered, Duration overlap, String output) {
        this.store = store;
        this.delivered = delivered;
        this.overlap = overlap;
        this.output = output;
    }

    /** Reads the checkpoint (it wins over {@code configuredStart}), says in the log which was used. */
    public synchronized Checkpoint open(Instant configuredStart, boolean startConfigured) {
        current = store.load().map(saved -> {
            LOG.info("Resuming from the checkpoint {}: cursor {}, {} recent ids, first run started at {}",
                    store.location(), saved.cursor() == null ? "(no event yet)" : saved.cursor(),
                    saved.deliveredIds().values().stream().mapToInt(java.util.Set::size).sum(), saved.start());
            if (startConfigured && !configuredStart.equals(saved.start())) {
                LOG.info("halo.start={} is not used: the checkpoint wins (delete {} to start over)", configuredStart,
                        store.location());
            }
            return saved;
        }).orElseGet(() -> {
            LOG.info("No checkpoint in {}: first run, starting at {}", store.location(), configuredStart);
            return Checkpoint.firstRun(configuredStart);
        });
        delivered.restore(current.deliveredIds());
        savedCursor = current.cursor();
        // read again after another node polled: a commit of ours it never saw is delivered again, not saved over its own
        unsaved = null;
        return current;
    }

    /** The inclusive {@code since} of the next poll. */
    public synchronized Instant since() {
        if (current.cursor() == null) {
            return current.start();
        }
        Instant since = current.cursor().minus(overlap);
        return since.isBefore(current.start()) ? current.start() : since;
    }

    /** The cursor, or null before the first delivered event. */
    public synchronized Instant cursor() {
        return current.cursor();
    }

    /** The cursor in the checkpoint on disk (behind {@link #cursor()} while a save is failing), or null. */
    public synchronized Instant savedCursor() {
        return savedCursor;
    }

    /** The output position saved with the last commit, when it belongs to the same output. */
    public synchronized String committedOutputPosition() {
        return output.equals(current.output()) ? current.outputPosition() : null;
    }

    /** Saves a commit whose save failed earlier; throws while the state still cannot be written. */
    public synchronized void ensureSaved() {
        if (unsaved != null) {
            store.save(unsaved);
            savedCursor = unsaved.cursor();
            LOG.info("The checkpoint {} is writable again: delivery resumes", store.location());
            unsaved = null;
        }
    }

    /**
     * Records a sorted page as delivered: the cursor moves to its newest event (see
     * {@link #commit(List, String, Instant)}).
     */
    public int commit(List<HaloEvent> page, String outputPosition) {
        Instant newest = null;
        for (HaloEvent event : page) {
            if (newest == null || event.createdAt().isAfter(newest)) {
                newest = event.createdAt();
            }
        }
        return commit(page, outputPosition, newest);
    }

    /**
     * Records a page, or consecutive pages in page order, as delivered: the cursor moves to
     * {@code moveTo} (never back; null: it stays), the ids that can still come back
     * ({@code created_at} at or after cursor - overlap) are kept, and the checkpoint is saved once.
     * Returns how many of the events were new.
     */
    public synchronized int commit(List<HaloEvent> page, String outputPosition, Instant moveTo) {
        Instant cursor = current.cursor();
        if (moveTo != null && (cursor == null || moveTo.isAfter(cursor))) {
            cursor = moveTo;
        }
        if (page.isEmpty() && Objects.equals(cursor, current.cursor())) {
            return 0; // nothing moved: spare the fsync
        }
        // while the cursor stays, the ids delivered after it are all kept: they can come back
        int fresh = delivered.commitPages(page, (cursor == null ? current.start() : cursor).minus(overlap));
        current = new Checkpoint(current.start(), cursor, delivered.snapshot(), output,
                outputPosition == null ? current.outputPosition() : outputPosition);
        unsaved = current;
        store.save(current);
        savedCursor = current.cursor();
        unsaved = null;
        return fresh;
    }

    /**
     * The cursor never passes the poll window's end (now minus the lag), so one later than
     * {@code now} was written by a version that followed an event's wrong clock: nothing before it
     * would ever be read. Stops the start with a line that says how to reset it.
     */
    public synchronized void refuseCursorAfter(Instant now) {
        if (current.cursor() != null && current.cursor().isAfter(now)) {
            throw new StateException("the checkpoint " + store.location() + " holds the cursor " + current.cursor()
                    + ", later than now (" + now + "), so no event before it would be read: stop the connector and "
                    + store.resetHint(), null);
        }
    }

    /**
     * A page failed before its commit: its ids and those of the pages after it are forgotten, so
     * that the next poll delivers them again. Called when no page is in flight any more.
     */
    public void abandonPage() {
        delivered.abandonPending();
    }

    /** Ids kept for dedup. */
    public int dedupSize() {
        return delivered.size();
    }

    public String location() {
        return store.location();
    }
}
