package io.haloconnector.poll;

import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiException;
import io.haloconnector.halo.HaloRequestRejectedException;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.EventBatch;
import io.haloconnector.retry.ConcurrencyLimit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Takes the window's current page from the page request route (with the next ones already in
 * flight, see {@link PagePrefetch}); the body becomes its events as an {@link EventBatch}, which the split walks. Retries happen in that
 * route (Camel's error handler, {@link PageRequestRetry}); when they are used up the poll ends
 * with the checkpoint where it was, and the next poll starts from there. A page 1 that counts more
 * events than one query can page through, or a page refused past the API's own pagination cap,
 * narrows the slice of the window instead ({@link PollWindow}). From the stop on it asks Halo for
 * nothing and stops waiting for the page in flight: the poll ends with an empty page, which
 * {@link PagesInFlight#admitStep()} does not hand over (it is fetched again after the restart).
 */
public final class FetchEventPage implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(FetchEventPage.class);

    private final ProducerTemplate template;
    private final String pageRequestUri;
    private final String host;
    private final ConnectorHealth health;
    private final ConnectorMetrics metrics;
    private final ConcurrencyLimit limit;
    private final String apiBase;
    private final Semaphore pagesAhead;
    private final ConnectorStopping stopping;
    private final OutputBackoff output;
    private Endpoint pageRequests;

    /**
     * @param apiBase    the account's API URL, the start of the request route's {@code toD}
     * @param pagesAhead permits for pages requested ahead, shared by the node's accounts
     * @param output     while it fails, no page is requested ahead
     */
    public FetchEventPage(ProducerTemplate template, String pageRequestUri, String apiBase,
                          ConnectorHealth health, ConnectorMetrics metrics, ConcurrencyLimit limit, Semaphore pagesAhead,
                          ConnectorStopping stopping, OutputBackoff output) {
        this.stopping = stopping;
        this.output = output;
        this.template = template;
        this.apiBase = apiBase;
        this.host = ConnectorSettings.hostAndPort(java.net.URI.create(apiBase));
        this.pageRequestUri = pageRequestUri;
        this.health = health;
        this.metrics = metrics;
        this.limit = limit;
        this.pagesAhead = pagesAhead;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        // the page before went to the output as a copy with its labels and its PagesInFlight entry:
        // off the poll's exchange now, or the split copies them for every event of this page
        // (six properties instead of five also make each copy's map grow once)
        exchange.removeProperty(PagesInFlight.PROPERTY);
        PageBatchHeaders.removeFrom(exchange.getMessage());
        PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
        PagePrefetch prefetch = exchange.getProperty(PollProperties.PREFETCH, PagePrefetch.class);
        if (prefetch == null) {
            if (pageRequests == null) {
                pageRequests = exchange.getContext().getEndpoint(pageRequestUri);
            }
            // each request carries the poll's account: the request route's steps are that account's
            prefetch = new PagePrefetch(template, pageRequests, limit, pagesAhead, exchange.getProperty(PageRequest.ACCOUNT), apiBase,
                    stopping, output);
            exchange.setProperty(PollProperties.PREFETCH, prefetch);
            // however the poll ends, the pages it requested ahead and did not take give their permits back
            exchange.getExchangeExtension().addOnCompletion(prefetch.closer());
        }
        EventPage page = fetch(window, prefetch);
        if (page == null) {
            // stopping: this page is not delivered, and the loop asks for no other
            exchange.setProperty(PollProperties.MORE_PAGES, false);
            exchange.setProperty(PollProperties.PAGE, EventPage.empty());
            exchange.getIn().setBody(new EventBatch(List.of()));
            return;
        }
        health.haloReached();
        metrics.pageFetched(page.events().size());
        exchange.setProperty(PollProperties.PAGE, page);
        exchange.getIn().setBody(new EventBatch(page.events()));
    }

    /** The window's current page; null once the connector is stopping. */
    private EventPage fetch(PollWindow window, PagePrefetch prefetch) throws InterruptedException {
        while (window.hasMorePages()) {
            if (stopping.isStopping()) {
                return null;
            }
            Exchange done = await(prefetch.current(window));
            if (done == null) {
                return null;
            }
            try {
                EventPage page = PagePrefetch.pageOf(done);
                if (window.narrowedFor(page)) {
                    continue; // more events than one query can page through: a narrower slice, this page unused
                }
                checkPageSize(window, page);
                prefetch.learned(window, page);
                return page;
            } catch (HaloRequestRejectedException e) {
                prefetch.failed(window);
                // a page past a cap lower than halo.api.maxResults: narrower slices from now on
                if (window.page() > 1) {
                    int refused = window.page();
                    window.refusedPage();
                    LOG.info("Halo refused page {} (HTTP {}): its pagination cap is below halo.api.maxResults;"
                            + " reading at most {} pages per query, from {} to {}", refused, e.status(), refused - 1,
                            window.since(), window.until());
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                prefetch.failed(window);
                if (stopping.isStopping()) {
                    return null; // a request the stop cut short: the page comes again after the restart
                }
                if (done.getProperty(PageRequest.AHEAD, false, Boolean.class)) {
                    continue; // requested ahead, so not retried: ask again, now as the current page
                }
                int attempts = done.getProperty(PageRequestRetry.ATTEMPTS, 1, Integer.class);
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new HaloApiException(PageRequestRetry.describe(cause, host) + "; gave up on page "
                        + window.page() + " after " + attempts + " attempts");
            }
        }
        return EventPage.empty(); // the window ended with a slice the API's cap cut short (reported at the commit)
    }

    /**
     * The window counts pages by halo.perPage: a page that holds more, or fewer with a next page
     * announced, was asked for with another per_page (an edited events query, a proxy rewriting it),
     * and paging on would skip or repeat events. So the poll stops here, before the page's events
     * are delivered, with the checkpoint where it was.
     */
    static void checkPageSize(PollWindow window, EventPage page) {
        int size = page.events().size() + page.badEvents().size();
        if (size > window.perPage() || page.hasNext() && size < window.perPage()) {
            throw new HaloApiException("Halo answered page " + window.page() + " with " + size + " events"
                    + (page.hasNext() ? " and a next page" : "") + " where the connector pages by halo.perPage="
                    + window.perPage() + ": the events query must send per_page=${exchangeProperty.haloPerPage}"
                    + " (routes/halo-events.yaml, route halo-events-request); set the page size with halo.perPage."
                    + " No event of this page was delivered");
        }
    }

    /**
     * Waits for the page's exchange, or for the stop (null): a page that comes after the stop began
     * is not delivered, so the poll does not wait for it. (Its request may still run until half of
     * the shutdown timeout, when RequestDeadlines aborts it; a retry wait ends at once, as the error
     * handler does not redeliver while stopping.)
     */
    private Exchange await(CompletableFuture<Exchange> page) throws InterruptedException {
        try {
            CompletableFuture.anyOf(page, stopping.signal()).get();
        } catch (ExecutionException e) {
            // the page failed: page.get() below says how
        }
        if (!page.isDone()) {
            return null;
        }
        try {
            return page.get();
        } catch (ExecutionException e) {
            throw new HaloApiException("fetching a page failed: " + e.getCause());
        }
    }
}
