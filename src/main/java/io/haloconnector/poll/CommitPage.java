package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.OutputPosition;
import io.haloconnector.state.EventCursor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Last step of a page, reached only when the output route returned without an exception (its
 * events are fsynced, accepted by HEC, or wherever the route put them): the cursor, the delivered
 * ids and the output's position ({@link OutputPosition}) are saved. Decides whether the loop
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
        int fresh = cursor.commit(page.events(), position);
        window.advance(page);
        Instant burst = window.takeUnreadableBurst();
        if (burst != null) {
            LOG.error("More than halo.api.maxResults events share created_at {}: the Halo API cannot page past them,"
                    + " so events of that millisecond beyond the cap were not delivered", burst);
        }
        int dropped = page.events().size() - fresh;
        metrics.pageCommitted(fresh, dropped);
        progress.pageCommitted(fresh, cursor.cursor(), window.until());
        boolean more = window.hasMorePages() && !exchange.getContext().isStopping();
        exchange.setProperty(PollProperties.MORE_PAGES, more);
        if (!more) {
            progress.pollFinished(cursor.cursor(), window.pagesRead());
        }
    }
}
