package io.haloconnector.poll;

import io.haloconnector.halo.BadEvent;
import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiException;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.state.HaloDeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The poll route's step after a page is fetched: each event of it that cannot be delivered
 * ({@link BadEvent}) is written to the dead-letter file before the page goes on, so it is on disk
 * before the checkpoint moves past it, with one ERROR line and a count in the metrics. The page's
 * other events are delivered as usual. With {@code halo.deadLetter=stop} the poll stops at such a
 * page instead, delivering nothing of it, until the setting is changed or the API serves the event
 * differently.
 */
public final class SetAsideBadEvents implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(SetAsideBadEvents.class);

    /** What {@code halo.deadLetter} chooses. */
    public enum Mode { SET_ASIDE, STOP }

    private final HaloDeadLetters deadLetters;
    private final ConnectorMetrics metrics;
    private final Mode mode;

    public SetAsideBadEvents(HaloDeadLetters deadLetters, ConnectorMetrics metrics, Mode mode) {
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.mode = mode;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        EventPage page = exchange.getProperty(PollProperties.PAGE, EventPage.class);
        if (page.badEvents().isEmpty()) {
            return;
        }
        PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
        for (BadEvent event : page.badEvents()) {
            String what = "event " + (event.id() == null ? "without id" : shown(event.id())) + " (page " + window.page()
                    + " of since=" + window.since() + ", position " + event.position() + ")";
            if (deadLetters.write(event, window.since(), window.until(), window.page())) {
                metrics.eventDeadLettered(event.reason().label());
                LOG.error("Halo {} cannot be delivered: {} ({}). Written to {}{}", what, event.reason().text(),
                        event.detail(), deadLetters.file(), mode == Mode.SET_ASIDE ? "; the rest of the page is delivered" : "");
            } else {
                LOG.debug("{} was set aside before: {}", what, event.reason().text());
            }
            if (mode == Mode.STOP) {
                throw new HaloApiException("Halo " + what + " cannot be delivered: " + event.reason().text()
                        + "; halo.deadLetter=stop holds the feed at it (set halo.deadLetter=set-aside to deliver past it)");
            }
        }
    }

    /** An id as a log line shows it: an API that sends a bad event may send a long or multi-line id too. */
    private static String shown(String id) {
        String oneLine = id.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 64 ? oneLine.substring(0, 64) + "..." : oneLine;
    }
}
