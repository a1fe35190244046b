package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.OutputPosition;
import io.haloconnector.state.EventCursor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Last step of a page, reached only when the output route returned without an exception (its
 * events are fsynced, accepted by HEC, or wherever the route put them): the cursor, the delivered
 * ids and the output's position ({@link OutputPosition}) are saved, the cursor as far as
 * {@link PollWindow#advance} allows. An event created after the window's end is reported (WARN and
 * a metric): it is delivered, the cursor does not follow it. Decides whether the loop
 * fetches another page; a shutdown ends the poll here, at a page boundary, with everything
 * delivered so far committed.
 */
public final class CommitPage implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(CommitPage.class);

    private final EventCursor cursor;
    private final CatchUpProgress progress;
    private final ConnectorMetrics metrics;

    public CommitPage(EventCursor cursor, CatchUpProgress progress, ConnectorMetrics metrics) {
        this.cursor = cursor;
        this.progress = progress;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        EventPage page = exchange.getProperty(PollProperties.PAGE, EventPage.class);
        PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
        String position = exchange.getProperty(OutputPosition.PROPERTY, String.class);
        exchange.removeProperty(OutputPosition.PROPERTY);
        List<HaloEvent> beyondWindow = newEventsBeyondWindow(page, window);
        int fresh = cursor.commit(page.events(), position, window.advance(page));
        for (HaloEvent event : beyondWindow) {
            metrics.eventBeyondWindow();
            LOG.warn("Event {} claims created_at {}, after the end of the poll window ({}, now minus halo.poll.lag):"
                    + " delivered, but the cursor does not follow it (a wrong clock where it was created?)",
                    event.id(), event.createdAt(), window.pollUntil());
        }
        String outOfOrder = window.takeOutOfOrder();
        if (outOfOrder != null) {
            LOG.warn(outOfOrder);
        }
        String loss = window.takeLoss();
        if (loss != null) {
            LOG.error(loss);
        }
        int dropped = page.events().size() - fresh;
        metrics.pageCommitted(fresh, dropped);
        progress.pageCommitted(fresh, cursor.cursor(), window.pollUntil());
        boolean more = window.hasMorePages() && !exchange.getContext().isStopping();
        exchange.setProperty(PollProperties.MORE_PAGES, more);
        if (!more) {
            progress.pollFinished(cursor.cursor(), window.pagesRead());
        }
    }

    /** The page's new events created at or after the window's end: an API that ignores until lists them. */
    private List<HaloEvent> newEventsBeyondWindow(EventPage page, PollWindow window) {
        List<HaloEvent> beyond = new ArrayList<>(0);
        for (HaloEvent event : page.events()) {
            if (!event.createdAt().isBefore(window.pollUntil()) && cursor.isNewInPage(event.id())) {
                beyond.add(event);
            }
        }
        return beyond;
    }
}
