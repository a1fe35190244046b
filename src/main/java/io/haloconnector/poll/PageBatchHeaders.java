package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.PageHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.time.Instant;
import java.util.Map;

/**
 * Labels the page's batch for the output route with the {@link PageHeaders} of the output contract:
 * {@code haloEventCount} (new events in the body),
 * {@code haloPage} (the page number in this poll's query), {@code haloCursor} (the newest
 * created_at of the page before the poll window's end: the checkpoint moves at most there once
 * the output route returns), {@code haloAccount} (the account's name) and, where the account sets
 * them, {@code haloIndex}, {@code haloSource} and {@code haloSourcetype} (the HEC output uses them
 * in place of hec.index, hec.source and hec.sourcetype).
 */
public final class PageBatchHeaders implements org.apache.camel.Processor {
    private final Map<String, Object> accountHeaders;

    /** @param accountHeaders the account's name and output overrides, the same on every page */
    public PageBatchHeaders(Map<String, Object> accountHeaders) {
        this.accountHeaders = Map.copyOf(accountHeaders);
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        EventBatch batch = message.getBody(EventBatch.class);
        if (batch == null) {
            batch = new EventBatch();
            message.setBody(batch);
        }
        EventPage page = exchange.getProperty(PollProperties.PAGE, EventPage.class);
        PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
        Instant newest = null;
        for (HaloEvent event : page.events()) {
            if (event.createdAt().isBefore(window.pollUntil()) && (newest == null || event.createdAt().isAfter(newest))) {
                newest = event.createdAt();
            }
        }
        message.setHeader(PageHeaders.EVENT_COUNT, batch.size());
        message.setHeader(PageHeaders.PAGE, window.page());
        message.setHeader(PageHeaders.CURSOR, newest == null ? null : newest.toString());
        accountHeaders.forEach(message::setHeader);
    }

    /** Takes the labels of the page handed to the output off the poll's message. */
    static void removeFrom(Message message) {
        for (String name : new String[] {PageHeaders.EVENT_COUNT, PageHeaders.PAGE, PageHeaders.CURSOR, PageHeaders.ACCOUNT,
                PageHeaders.INDEX, PageHeaders.SOURCE, PageHeaders.SOURCETYPE}) {
            message.removeHeader(name);
        }
    }
}
