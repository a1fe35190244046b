package io.haloconnector.poll;

import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.state.EventCursor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a failed poll: the page that was not committed is dropped from the dedup ids (the next
 * poll fetches and delivers it again), and one line says what went wrong
 * and that the checkpoint did not move. Our exceptions' messages carry no secret; others are
 * reduced to their type and message.
 */
public final class ReportPollFailure implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ReportPollFailure.class);

    private final String prefix;
    private final EventCursor cursor;
    private final ConnectorHealth health;
    private final ConnectorMetrics metrics;

    /** @param prefix the start of the line, the account's name where there are several ("Account staging: ") */
    public ReportPollFailure(String prefix, EventCursor cursor, ConnectorHealth health, ConnectorMetrics metrics) {
        this.prefix = prefix;
        this.cursor = cursor;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        cursor.abandonPage();
        String message = failure == null ? "unknown failure" : describe(failure);
        health.pollFailed(message);
        metrics.pollFailed();
        LOG.error("{}Poll stopped: {}. Checkpoint stays at {}; the next poll retries.", prefix,
                message, cursor.savedCursor() == null ? "the start" : cursor.savedCursor());
        if (failure != null && LOG.isDebugEnabled()) {
            LOG.debug(prefix + "The poll's failure in full", failure);
        }
    }

    public static String describe(Throwable failure) {
        String message = failure.getMessage();
        String text = failure instanceof RuntimeException && failure.getClass().getName().startsWith("io.haloconnector")
                ? message : failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        // the line goes on with ". Checkpoint stays ...": a message's own full stop would double it
        return text == null ? failure.getClass().getSimpleName() : text.replaceAll("\\s+", " ").replaceAll("[.\\s]+$", "");
    }
}
