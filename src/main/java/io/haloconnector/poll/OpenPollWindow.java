package io.haloconnector.poll;

import io.haloconnector.state.EventCursor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultMessage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * First step of a poll: the window runs from the cursor (minus the overlap) to now minus the
 * safety lag, fixed for the whole poll. A checkpoint whose save failed is saved first: the poll
 * does not start while the state cannot be written.
 */
public final class OpenPollWindow implements Processor {
    private final EventCursor cursor;
    private final CatchUpProgress progress;
    private final Clock clock;
    private final Duration lag;
    private final int perPage;
    private final int maxResults;
    // once the API listed a page out of order, it is not trusted to sort again
    private final SortedAnswers sorted;

    public OpenPollWindow(EventCursor cursor, CatchUpProgress progress, Clock clock, Duration lag, int perPage, int maxResults,
                          SortedAnswers sorted) {
        this.sorted = sorted;
        this.cursor = cursor;
        this.progress = progress;
        this.clock = clock;
        this.lag = lag;
        this.perPage = perPage;
        this.maxResults = maxResults;
    }

    @Override
    public void process(Exchange exchange) {
        // a plain message instead of the Quartz one: the split copies the message for every event,
        // and a QuartzMessage re-reads the job context into new headers on each copy
        exchange.setMessage(new DefaultMessage(exchange));
        cursor.ensureSaved();
        // ids left pending by a page that never reached its commit (however its poll ended) are
        // not delivered: dropping them lets this poll deliver those events
        cursor.abandonPage();
        Instant until = clock.instant().minus(lag).truncatedTo(ChronoUnit.MILLIS);
        PollWindow window = new PollWindow(cursor.since(), until, perPage, maxResults, sorted);
        exchange.setProperty(PollProperties.WINDOW, window);
        exchange.setProperty(PollProperties.MORE_PAGES, window.hasMorePages());
        progress.pollStarted(window.since());
    }
}
