package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.OutputPosition;
import io.haloconnector.output.PageTurn;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.haloconnector.state.EventCursor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The pages handed to the output and not yet passed by the cursor, in page order, and their
 * commit. The poll route admits a page ({@link #admitStep()}): it waits while the output has as
 * many pages as it may take ({@link AdaptiveConcurrency}: up to {@code hec.maxInFlight} for HEC,
 * following its round-trip time; one for every other output) and one more waiting for its turn,
 * moves the poll window on, and hands the page to the output on another thread. A page goes to
 * the receiver only at its turn ({@link PageTurn}, awaited in the output route, in page order):
 * while fewer pages than the limit are at the receiver uncommitted. So a page ahead is encoded and waits, and goes the moment
 * one is committed, and a crash repeats only the pages that took their turn: the receiver may
 * have had them. When a page's output returns
 * ({@link #deliveredStep()}) the page is committed at once, on that thread, even while an earlier
 * page is still in flight: its ids join the checkpoint, and the cursor moves over the contiguous
 * prefix of answered pages only ({@link PollWindow#advance}), with that prefix's output position.
 * So a crash repeats only the pages unanswered at that moment: the re-read window drops the ids
 * held. Answers that arrive while a save runs share the next save (group commit), one atomic save
 * however many pages it holds. A failed page ({@link #failedStep()}) is never committed and the
 * cursor never passes it: the poll waits for the others to finish and ends with one line, and the
 * ids of the unanswered pages are dropped ({@link ReportPollFailure}) so the next poll delivers
 * them again. A shutdown, or the loss of the account's lead ({@link #pollWhile}), ends the poll at a
 * page boundary, after every page in flight is committed ({@link #awaitStep()}). From the stop on no
 * page is handed over, also not one the poll has fetched or is waiting to admit: the pages in flight
 * are the ones finished. Each page's outcome tells {@link OutputBackoff} whether the output works.
 */
public final class PagesInFlight {
    /** Exchange property: the {@link Page} an output exchange carries. */
    public static final String PROPERTY = "haloPageInFlight";
    /** Exchange property, Boolean: admitStep handed the page over (false once the connector is stopping). */
    public static final String ADMITTED = "haloPageAdmitted";
    /**
     * Pages admitted ahead of the cursor, committed or not, per page the output may take at most: behind
     * a slow page the ids of the answered ones wait in every save, so their number stays bounded.
     */
    static final int PAGES_AHEAD_PER_PAGE_IN_FLIGHT = 4;
    private static final Logger LOG = LoggerFactory.getLogger(PagesInFlight.class);

    /** One page handed to the output: what its commit needs, taken on the poll route when it was admitted. */
    static final class Page {
        private List<HaloEvent> events;
        private final int size;
        private final int fresh;
        private final Instant moveTo;
        private final Instant pollUntil;
        private final List<HaloEvent> beyondWindow;
        private final long lastOfPoll;
        private boolean delivered;
        private boolean failed;
        private boolean committed;
        private String position;
        /** It went, or may go, to the receiver: a crash from now on until its commit repeats it. */
        private boolean turned;
        private long turnedAt;
        /** A stop came before its turn: it sent nothing and is neither delivered nor committed. */
        private boolean withdrawn;
        /** It waited for its turn because the output had as many pages as it may take: its round trip measures the limit. */
        private boolean waited;
        private long returnedAt;

        Page(List<HaloEvent> events, int fresh, Instant moveTo, Instant pollUntil, List<HaloEvent> beyondWindow,
             long lastOfPoll) {
            this.events = events;
            this.size = events.size();
            this.fresh = fresh;
            this.moveTo = moveTo;
            this.pollUntil = pollUntil;
            this.beyondWindow = beyondWindow;
            this.lastOfPoll = lastOfPoll;
        }
    }

    private final EventCursor cursor;
    private final CatchUpProgress progress;
    private final ConnectorMetrics metrics;
    private final AdaptiveConcurrency limit;
    private final ConnectorStopping stopping;
    private final OutputBackoff output;
    private final LongSupplier nanoClock;
    /** From the oldest page the cursor has not passed to the newest admitted. */
    private final Deque<Page> admitted = new ArrayDeque<>();
    /** Pages admitted and not committed yet: at most one more than the limit, the one waiting for its turn. */
    private int unanswered;
    /** Pages that took their turn and are not committed yet: the ones a crash now would repeat. */
    private int turned;
    private Throwable failure;
    private boolean committing;
    private volatile BooleanSupplier polling = () -> true;
    // the figures: time-weighted pages in flight, the time with one or more, the saves and their time
    private long lastChange;
    private long pageNanos;
    private long busyNanos;
    private long saves;
    private long pagesCommitted;
    private long saveNanos;

    public PagesInFlight(EventCursor cursor, CatchUpProgress progress, ConnectorMetrics metrics, AdaptiveConcurrency limit,
                         ConnectorStopping stopping, OutputBackoff output) {
        this.stopping = stopping;
        this.output = output;
        this.nanoClock = System::nanoTime;
        this.lastChange = nanoClock.getAsLong();
        // a poll waiting for room hands nothing over once the stop begins: woken here
        stopping.onStop(() -> {
            synchronized (this) {
                notifyAll();
            }
        });
        this.cursor = cursor;
        this.progress = progress;
        this.metrics = metrics;
        this.limit = limit;
        metrics.pagesInFlight(this, PagesInFlight::size, PagesInFlight::pageSecondsInFlight, PagesInFlight::secondsBusy);
        metrics.checkpointSaves(this, PagesInFlight::saves, PagesInFlight::saveSeconds, PagesInFlight::pagesCommitted);
    }

    /**
     * The poll goes on only while {@code polling} holds (this node leads its account): a node that
     * loses the lead ends its poll at the next page boundary, its pages committed, rather than
     * polling on beside the new leader until the route's stop times out.
     */
    public void pollWhile(BooleanSupplier polling) {
        this.polling = polling;
    }

    /**
     * The poll route's step before the hand-off to the output: waits for room, moves the window on
     * and says whether the loop fetches another page. Throws when an earlier page failed. Once the
     * connector is stopping it hands nothing over ({@link #ADMITTED} false) and the loop ends.
     */
    public Processor admitStep() {
        return exchange -> {
            synchronized (this) {
                while (failure == null && !hasRoom() && !stopping.isStopping()) {
                    wait();
                }
                throwIfFailed();
                if (stopping.isStopping()) {
                    // the output takes no new page from the stop on: this one comes again after the restart
                    exchange.setProperty(PollProperties.MORE_PAGES, false);
                    exchange.setProperty(ADMITTED, false);
                    return;
                }
            }
            EventPage page = exchange.getProperty(PollProperties.PAGE, EventPage.class);
            PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
            EventBatch batch = exchange.getMessage().getBody(EventBatch.class);
            Instant moveTo = window.advance(page);
            String outOfOrder = window.takeOutOfOrder();
            if (outOfOrder != null) {
                LOG.warn(outOfOrder);
            }
            String loss = window.takeLoss();
            if (loss != null) {
                LOG.error(loss);
            }
            boolean more = window.hasMorePages() && !stopping.isStopping() && polling.getAsBoolean();
            exchange.setProperty(PollProperties.MORE_PAGES, more);
            Page handed = new Page(page.events(), batch.size(), moveTo, window.pollUntil(),
                    beyondWindow(batch, window.pollUntil()), more ? -1 : window.pagesRead());
            synchronized (this) {
                if (stopping.isStopping()) {
                    exchange.setProperty(PollProperties.MORE_PAGES, false);
                    exchange.setProperty(ADMITTED, false);
                    return; // the stop began while the window moved on: the poll ends, and its window with it
                }
                admitted.addLast(handed);
                unanswered++;
                // room at the receiver now (the poll was waiting for it): its turn, so an output without a turn step counts it too
                if (turned < limit.current() && isNextInLine(handed)) {
                    takeTurn(handed);
                }
            }
            exchange.setProperty(PROPERTY, handed);
            exchange.setProperty(PageTurn.PROPERTY, (PageTurn) () -> awaitTurn(handed));
            exchange.setProperty(ADMITTED, true);
        };
    }

    /**
     * Room for one more page: fewer unanswered than the output takes now and, for an output with a turn step,
     * the one waiting for its turn; and not too far ahead of the cursor.
     */
    private boolean hasRoom() {
        return unanswered < limit.handedOver() && admitted.size() < PAGES_AHEAD_PER_PAGE_IN_FLIGHT * limit.max();
    }

    /**
     * A page's turn ({@link PageTurn}, awaited by the output route before its first request to the receiver):
     * waits until fewer pages than the output takes now have gone to it uncommitted, and every earlier page
     * has gone, so pages reach the receiver in page order. A page that took its turn at admission goes on at
     * once. After a failed page it waits no more: the poll ends when the pages in flight do. Once the connector
     * is stopping a page that has not gone is withdrawn (false): it goes no further, the cursor stops before it.
     */
    private boolean awaitTurn(Page page) throws InterruptedException {
        synchronized (this) {
            if (page.turned) {
                return true;
            }
            page.waited = turned >= limit.current();
            while (failure == null && !stopping.isStopping() && !(turned < limit.current() && isNextInLine(page))) {
                wait();
            }
            if (stopping.isStopping()) {
                // no request starts after the stop: the page sent nothing, so it is not committed and the restart reads it again
                page.withdrawn = true;
                unanswered--;
                notifyAll();
                return false;
            }
            takeTurn(page);
            return true;
        }
    }

    /** Every page admitted before {@code page} took its turn or is done. */
    private boolean isNextInLine(Page page) {
        for (Page earlier : admitted) {
            if (earlier == page) {
                return true;
            }
            if (!earlier.turned && !earlier.delivered && !earlier.failed && !earlier.withdrawn) {
                return false;
            }
        }
        return true;
    }

    private void takeTurn(Page page) {
        page.turned = true;
        page.turnedAt = nanoClock.getAsLong();
        countInFlight(1);
        notifyAll(); // the next page in line may be waiting for this one to go first
    }

    /** The output route returned for the exchange's page: commits it, and moves the cursor over the answered prefix. */
    public Processor deliveredStep() {
        return exchange -> {
            Page page = exchange.getProperty(PROPERTY, Page.class);
            if (page.fresh > 0) {
                output.delivered(); // a page without new events never reached the output
            }
            synchronized (this) {
                page.returnedAt = nanoClock.getAsLong();
                page.position = exchange.getProperty(OutputPosition.PROPERTY, String.class);
                page.delivered = true;
                if (committing) {
                    return; // the committing thread takes this page too when its save is done: one save for both
                }
                committing = true;
            }
            commitAnswered();
        };
    }

    /** The output route threw for the exchange's page: it is not committed, and the cursor stops before it. */
    public Processor failedStep() {
        return exchange -> {
            Page page = exchange.getProperty(PROPERTY, Page.class);
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            output.failed();
            failed(page, cause == null ? new IllegalStateException("the output route failed") : cause);
        };
    }

    /**
     * The poll route's last step: waits until the cursor has passed every page in flight and their commits are
     * counted (the poll's "Poll done" line is logged before the next poll can start); throws when one failed.
     */
    public Processor awaitStep() {
        return exchange -> {
            synchronized (this) {
                // committed pages leave once counted (committing); a page withdrawn at a stop stays, and the cursor before it
                while (failure == null && (committing || admitted.stream().anyMatch(page -> !page.withdrawn && !page.committed))) {
                    wait();
                }
                throwIfFailed();
                admitted.clear();
            }
        };
    }

    /** Pages that went to the output's receiver and are not committed yet: the ones a crash now would repeat. */
    public synchronized int size() {
        return turned;
    }

    /** Pages in flight on average while one or more was, since the start. */
    public synchronized double averageInFlight() {
        countInFlight(0);
        return busyNanos == 0 ? 0 : pageNanos / (double) busyNanos;
    }

    /** Page-seconds in flight since the start: its rate is the pages in flight on average. */
    public synchronized double pageSecondsInFlight() {
        countInFlight(0);
        return pageNanos / 1e9;
    }

    /** Seconds with one or more page in flight since the start. */
    public synchronized double secondsBusy() {
        countInFlight(0);
        return busyNanos / 1e9;
    }

    /** Checkpoint saves of answered pages since the start. */
    synchronized long saves() {
        return saves;
    }

    /** Seconds those saves took. */
    synchronized double saveSeconds() {
        return saveNanos / 1e9;
    }

    /** Pages those saves committed. */
    synchronized long pagesCommitted() {
        return pagesCommitted;
    }

    /** One line for the log at stop: the pages in flight on average and what the commit cost. */
    public synchronized String figures() {
        return String.format(java.util.Locale.ROOT, "pages in flight %.2f on average (output limit now %s); %d pages"
                        + " committed in %d saves, %.2f ms a save", averageInFlight(), limit, pagesCommitted, saves,
                saves == 0 ? 0.0 : saveNanos / 1e6 / saves);
    }

    /** Adds the time since the last change at the old count of pages turned, then moves that count by {@code change}. */
    private void countInFlight(int change) {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastChange;
        pageNanos += elapsed * turned;
        if (turned > 0) {
            busyNanos += elapsed;
        }
        lastChange = now;
        turned += change;
    }

    /** After a failure: waits for every page in flight to end, drops the uncommitted ones and throws. */
    private void throwIfFailed() throws InterruptedException {
        if (failure == null) {
            return;
        }
        while (committing || admitted.stream().anyMatch(page -> !page.delivered && !page.failed && !page.withdrawn)) {
            wait();
        }
        Throwable cause = failure;
        failure = null;
        admitted.clear();
        unanswered = 0;
        countInFlight(-turned);
        throw new PageOutputFailedException(ReportPollFailure.describe(cause), cause);
    }

    private synchronized void failed(Page page, Throwable cause) {
        page.failed = true;
        if (failure == null) {
            failure = cause;
        }
        notifyAll();
    }

    /**
     * Commits every answered page not committed yet, in one save, and moves the cursor over the
     * answered prefix; again while answers came during the save. One thread at a time.
     */
    private void commitAnswered() {
        while (true) {
            List<Page> answered = new ArrayList<>();
            List<Page> passed = new ArrayList<>();
            synchronized (this) {
                for (Page page : admitted) {
                    if (page.delivered && !page.committed && !page.failed) {
                        answered.add(page);
                    }
                }
                if (answered.isEmpty()) {
                    committing = false;
                    notifyAll();
                    return;
                }
                for (Page page : admitted) {
                    if (page.failed || !page.delivered) {
                        break; // the cursor stops before a page in flight or failed: a crash or the next poll reads it again
                    }
                    passed.add(page);
                }
            }
            long began = nanoClock.getAsLong();
            try {
                commit(answered, passed);
            } catch (RuntimeException e) {
                // the state cannot be written: the poll ends as for a failed page (EventCursor saves again before the next)
                synchronized (this) {
                    committing = false;
                    failed(answered.get(0), e);
                }
                return;
            }
            long saved = nanoClock.getAsLong();
            synchronized (this) {
                saves++;
                saveNanos += saved - began;
                pagesCommitted += answered.size();
                for (Page page : answered) {
                    if (page.turned && page.fresh > 0) {
                        // its round trip: turn to return at the receiver, then the save it shared with the answers that came meanwhile
                        limit.pageCommitted(page.turnedAt, page.returnedAt, saved, page.waited);
                    }
                    page.committed = true;
                    page.events = List.of(); // its ids are in the checkpoint now: the events need not stay in memory
                }
                // unanswered until saved: a crash meanwhile repeats them, so they count against the limit until now
                unanswered -= answered.size();
                countInFlight(-(int) answered.stream().filter(page -> page.turned).count());
                notifyAll();
            }
            try {
                for (Page page : answered) {
                    pageCommitted(page);
                }
                for (Page page : passed) {
                    if (page.lastOfPoll >= 0) {
                        metrics.pollCompleted();
                        progress.pollFinished(cursor.cursor(), page.lastOfPoll);
                    }
                }
            } catch (RuntimeException e) {
                // the pages are saved: a count that fails must not leave committing set, which would stall every later page
                LOG.warn("Counting the committed pages failed (they are saved): {}", e.toString());
            }
            synchronized (this) {
                // only now may the poll end (awaitStep): its pages counted and its line logged before the next poll's start resets the counts
                passed.forEach(page -> admitted.removeFirst());
                notifyAll();
            }
        }
    }

    /** One save: the answered pages' ids, the cursor moved to the passed prefix's end, with its output position. */
    private void commit(List<Page> answered, List<Page> passed) {
        List<HaloEvent> events = new ArrayList<>();
        for (Page page : answered) {
            events.addAll(page.events);
        }
        Instant moveTo = null;
        String position = null;
        for (Page page : passed) {
            moveTo = page.moveTo != null ? page.moveTo : moveTo;
            position = page.position != null ? page.position : position;
        }
        cursor.commit(events, position, moveTo);
    }

    private void pageCommitted(Page page) {
        for (HaloEvent event : page.beyondWindow) {
            metrics.eventBeyondWindow();
            LOG.warn("Event {} claims created_at {}, after the end of the poll window ({}, now minus halo.poll.lag):"
                    + " delivered, but the cursor does not follow it (a wrong clock where it was created?)",
                    event.id(), event.createdAt(), page.pollUntil);
        }
        metrics.pageCommitted(page.fresh, page.size - page.fresh);
        progress.pageCommitted(page.fresh, cursor.cursor(), page.pollUntil);
    }

    /** The page's new events created at or after the window's end: an API that ignores until lists them. */
    private static List<HaloEvent> beyondWindow(EventBatch batch, Instant pollUntil) {
        List<HaloEvent> beyond = new ArrayList<>(0);
        for (HaloEvent event : batch) {
            if (!event.createdAt().isBefore(pollUntil)) {
                beyond.add(event);
            }
        }
        return beyond;
    }
}
