package io.haloconnector.poll;

import io.haloconnector.retry.Backoff;
import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiClient;
import io.haloconnector.halo.HaloApiException;
import io.haloconnector.halo.HaloRequestRejectedException;
import io.haloconnector.halo.HaloTransientException;
import io.haloconnector.halo.MalformedResponseException;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.retry.RequestPacer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Fetches the window's current page (with the next ones already in flight, see
 * {@link PagePrefetch}); the body becomes its list of events. Transient failures
 * (5xx, 429, resets, truncated JSON) repeat the same page with backoff and jitter, honouring
 * Retry-After up to the cap, so no page is ever skipped; after {@code maxAttempts} the poll ends
 * with the checkpoint where it was, and the next poll starts from there.
 */
public final class FetchEventPage implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(FetchEventPage.class);

    private final HaloApiClient api;
    private final Backoff backoff;
    private final int maxAttempts;
    private final ConnectorHealth health;
    private final ConnectorMetrics metrics;
    private final Executor executor;
    private final ConcurrencyLimit limit;
    private final RequestPacer pacer = new RequestPacer();

    public FetchEventPage(HaloApiClient api, Backoff backoff, int maxAttempts, ConnectorHealth health, ConnectorMetrics metrics,
                          Executor executor, ConcurrencyLimit limit) {
        this.api = api;
        this.executor = executor;
        this.limit = limit;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        PollWindow window = exchange.getProperty(PollProperties.WINDOW, PollWindow.class);
        PagePrefetch prefetch = exchange.getProperty(PollProperties.PREFETCH, PagePrefetch.class);
        if (prefetch == null) {
            prefetch = new PagePrefetch(api, executor, limit, pacer);
            exchange.setProperty(PollProperties.PREFETCH, prefetch);
        }
        EventPage page = fetchWithRetries(exchange, window, prefetch);
        health.haloReached();
        metrics.pageFetched(page.events().size());
        exchange.setProperty(PollProperties.PAGE, page);
        exchange.getIn().setBody(page.events());
    }

    private EventPage fetchWithRetries(Exchange exchange, PollWindow window, PagePrefetch prefetch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                EventPage page = await(prefetch.current(window));
                limit.succeeded();
                prefetch.learned(window, page);
                return page;
            } catch (HaloRequestRejectedException e) {
                prefetch.failed(window);
                // a page past a cap lower than halo.api.maxResults: continue from the newest event read
                if (window.page() > 1) {
                    int refused = window.page();
                    if (!window.restartAtNewest()) {
                        window.skipUnreadableBurst(); // reported loudly by CommitPage
                    }
                    LOG.info("Halo refused page {} (HTTP {}): its pagination cap is below halo.api.maxResults;"
                            + " continuing from {} at page 1", refused, e.status(), window.since());
                    attempt = 0;
                    continue;
                }
                throw e;
            } catch (HaloTransientException | MalformedResponseException e) {
                prefetch.failed(window);
                if (attempt >= maxAttempts) {
                    throw new HaloApiException(e.getMessage() + "; gave up on page " + window.page() + " after "
                            + attempt + " attempts");
                }
                Duration retryAfter = e instanceof HaloTransientException t ? t.retryAfter() : null;
                Duration wait = backoff.delay(attempt, retryAfter);
                LOG.warn("{} (page {}, attempt {}/{}): retrying in {} ms", e.getMessage(), window.page(), attempt,
                        maxAttempts, wait.toMillis());
                awaitUnlessStopping(exchange, wait);
            }
        }
    }

    /** The page's result, or the exception its request ended with. */
    private static EventPage await(CompletableFuture<EventPage> page) throws InterruptedException {
        try {
            return page.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new HaloApiException("fetching a page failed: " + e.getCause());
        }
    }

    /** Sleeps for a backoff, ending early with an exception when the connector is shutting down. */
    private static void awaitUnlessStopping(Exchange exchange, Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            if (exchange.getContext().isStopping()) {
                throw new HaloApiException("shutting down during a retry wait");
            }
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }
}
