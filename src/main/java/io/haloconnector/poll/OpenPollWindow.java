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
 * does not start while the state cannot be written. No poll starts once the connector is stopping,
 * nor while a failing output's backoff runs ({@link OutputBackoff}): the poll then ends at once,
 * having asked Halo nothing. A backfill's polls end at the backfill's end instead of at now minus the
 * lag, and none starts once its checkpoint says that end was reached.
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
    private final ConnectorStopping stopping;
    private final OutputBackoff output;
    // a backfill's end (no event can still land before it), or null for the live polls
    private final Instant finalEnd;

    /** @param finalEnd the backfill's end, or null for live polls up to now minus the lag */
    public OpenPollWindow(EventCursor cursor, CatchUpProgress progress, Clock clock, Duration lag, int perPage, int maxResults,
                          SortedAnswers sorted, ConnectorStopping stopping, OutputBackoff output, Instant finalEnd) {
        this.finalEnd = finalEnd;
        this.sorted = sorted;
        this.stopping = stopping;
        this.output = output;
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
        // a poll queued behind the one the stop ended: Camel's shutdown still runs it
        if (stopping.isStopping()) {
            exchange.setProperty(PollProperties.MORE_PAGES, false);
            return;
        }
        cursor.ensureSaved();
        // ids left pending by a page that never reached its commit (however its poll ended) are
        // not delivered: dropping them lets this poll deliver those events
        cursor.abandonPage();
        if (output.holdsPoll()) {
            exchange.setProperty(PollProperties.MORE_PAGES, false);
            return; // the trigger's next turn after the backoff asks Halo again
        }
        Instant until = clock.instant().minus(lag).truncatedTo(ChronoUnit.MILLIS);
        if (finalEnd != null && cursor.cursor() != null && !cursor.cursor().isBefore(finalEnd)) {
            exchange.setProperty(PollProperties.MORE_PAGES, false);
            return; // the backfill's window is read whole: nothing is asked again
        }
        // a backfill ending within the lag waits for it to pass, as a live poll would
        boolean toFinalEnd = finalEnd != null && !finalEnd.isAfter(until);
        PollWindow window = new PollWindow(cursor.since(), toFinalEnd ? finalEnd : until, toFinalEnd, perPage, maxResults,
                sorted);
        exchange.setProperty(PollProperties.WINDOW, window);
        exchange.setProperty(PollProperties.MORE_PAGES, window.hasMorePages());
        progress.pollStarted(window.since());
    }
}
