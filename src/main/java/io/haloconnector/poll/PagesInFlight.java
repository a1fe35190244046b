package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.OutputPosition;
import io.haloconnector.retry.ConcurrencyLimit;
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

/**
 * The pages handed to the output route and not yet committed, in page order, and their commit.
 * The poll route admits a page ({@link #admitStep()}): it waits while as many pages as the output
 * may take are in flight ({@link ConcurrencyLimit}: {@code hec.maxInFlight} for HEC, adapting to
 * 503 and 429; one for every other output), moves the poll window on, and hands the page to the
 * output on another thread. When a page's output returns ({@link #deliveredStep()}), the
 * contiguous prefix of delivered pages is committed on that thread, off the poll route, in one
 * save however many pages it holds: cursor ({@link PollWindow#advance}), delivered ids and output
 * position, in page order. A page counts as in flight until its commit is saved, so a crash
 * repeats at most the pages in flight. A failed page ({@link #failedStep()}) is never committed,
 * nor any page after it: the poll waits for the others to finish and ends with one line, and the
 * ids of the uncommitted pages are dropped ({@link ReportPollFailure}) so the next poll delivers
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
    private static final Logger LOG = LoggerFactory.getLogger(PagesInFlight.class);

    /** One page handed to the output: what its commit needs, taken on the poll route when it was admitted. */
    static final class Page {
        private final List<HaloEvent> events;
        private final int fresh;
        private final Instant moveTo;
        private final Instant pollUntil;
        private final List<HaloEvent> beyondWindow;
        private final long lastOfPoll;
        private boolean delivered;
        private boolean failed;
        private String position;

        Page(List<HaloEvent> events, int fresh, Instant moveTo, Instant pollUntil, List<HaloEvent> beyondWindow,
             long lastOfPoll) {
            this.events = events;
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
    private final ConcurrencyLimit limit;
    private final ConnectorStopping stopping;
    private final OutputBackoff output;
    private final Deque<Page> inFlight = new ArrayDeque<>();
    private Throwable failure;
    private boolean committing;
    private volatile BooleanSupplier polling = () -> true;

    public PagesInFlight(EventCursor cursor, CatchUpProgress progress, ConnectorMetrics metrics, ConcurrencyLimit limit,
                         ConnectorStopping stopping, OutputBackoff output) {
        this.stopping = stopping;
        this.output = output;
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
                while (failure == null && inFlight.size() >= limit.current() && !stopping.isStopping()) {
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
            Page admitted = new Page(page.events(), batch.size(), moveTo, window.pollUntil(),
                    beyondWindow(batch, window.pollUntil()), more ? -1 : window.pagesRead());
            synchronized (this) {
                if (stopping.isStopping()) {
                    exchange.setProperty(PollProperties.MORE_PAGES, false);
                    exchange.setProperty(ADMITTED, false);
                    return; // the stop began while the window moved on: the poll ends, and its window with it
                }
                inFlight.addLast(admitted);
            }
            exchange.setProperty(PROPERTY, admitted);
            exchange.setProperty(ADMITTED, true);
        };
    }

    /** The output route returned for the exchange's page: commits what is now a delivered prefix. */
    public Processor deliveredStep() {
        return exchange -> {
            Page page = exchange.getProperty(PROPERTY, Page.class);
            if (page.fresh > 0) {
                output.delivered(); // a page without new events never reached the output
            }
            synchronized (this) {
                page.position = exchange.getProperty(OutputPosition.PROPERTY, String.class);
                page.delivered = true;
                if (committing) {
                    return; // the committing thread takes this page too when it gets there: one save for both
                }
                committing = true;
            }
            commitDeliveredPrefix();
        };
    }

    /** The output route threw for the exchange's page: neither it nor a page after it is committed. */
    public Processor failedStep() {
        return exchange -> {
            Page page = exchange.getProperty(PROPERTY, Page.class);
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            output.failed();
            failed(page, cause == null ? new IllegalStateException("the output route failed") : cause);
        };
    }

    /** The poll route's last step: waits until every page in flight is committed; throws when one failed. */
    public Processor awaitStep() {
        return exchange -> {
            synchronized (this) {
                while (failure == null && !inFlight.isEmpty()) {
                    wait();
                }
                throwIfFailed();
            }
        };
    }

    /** Pages handed to the output and not committed yet. */
    public synchronized int size() {
        return inFlight.size();
    }

    /** After a failure: waits for every page in flight to end, drops the uncommitted ones and throws. */
    private void throwIfFailed() throws InterruptedException {
        if (failure == null) {
            return;
        }
        while (committing || inFlight.stream().anyMatch(page -> !page.delivered && !page.failed)) {
            wait();
        }
        Throwable cause = failure;
        failure = null;
        inFlight.clear();
        throw new PageOutputFailedException(ReportPollFailure.describe(cause), cause);
    }

    private synchronized void failed(Page page, Throwable cause) {
        page.failed = true;
        if (failure == null) {
            failure = cause;
        }
        notifyAll();
    }

    /** Commits delivered pages from the head of the queue until it meets one still in flight; one thread at a time. */
    private void commitDeliveredPrefix() {
        while (true) {
            List<Page> prefix = new ArrayList<>();
            synchronized (this) {
                for (Page page : inFlight) {
                    if (!page.delivered || page.failed) {
                        break; // pages before a failed one are committed, none after it
                    }
                    prefix.add(page);
                }
                if (prefix.isEmpty()) {
                    committing = false;
                    notifyAll();
                    return;
                }
            }
            try {
                commit(prefix);
            } catch (RuntimeException e) {
                // the state cannot be written: the poll ends as for a failed page (EventCursor saves again before the next)
                synchronized (this) {
                    committing = false;
                    failed(prefix.get(0), e);
                }
                return;
            }
            synchronized (this) {
                // in flight until saved: a crash meanwhile repeats them, so they count against the limit until now
                prefix.forEach(page -> inFlight.removeFirst());
                notifyAll();
            }
        }
    }

    private void commit(List<Page> pages) {
        List<HaloEvent> events = new ArrayList<>();
        Instant moveTo = null;
        String position = null;
        for (Page page : pages) {
            events.addAll(page.events);
            moveTo = page.moveTo != null ? page.moveTo : moveTo;
            position = page.position != null ? page.position : position;
        }
        cursor.commit(events, position, moveTo);
        for (Page page : pages) {
            for (HaloEvent event : page.beyondWindow) {
                metrics.eventBeyondWindow();
                LOG.warn("Event {} claims created_at {}, after the end of the poll window ({}, now minus halo.poll.lag):"
                        + " delivered, but the cursor does not follow it (a wrong clock where it was created?)",
                        event.id(), event.createdAt(), page.pollUntil);
            }
            metrics.pageCommitted(page.fresh, page.events.size() - page.fresh);
            progress.pageCommitted(page.fresh, cursor.cursor(), page.pollUntil);
            if (page.lastOfPoll >= 0) {
                metrics.pollCompleted();
                progress.pollFinished(cursor.cursor(), page.lastOfPoll);
            }
        }
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
