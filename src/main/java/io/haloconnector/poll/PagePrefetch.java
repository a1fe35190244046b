package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiClient;
import io.haloconnector.halo.HaloTransientException;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.retry.RequestPacer;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Keeps several pages of the current window in flight so the API's latency overlaps, while the
 * route still takes them one at a time in page order: delivery and the checkpoint stay in
 * created_at order, and a crash loses nothing. Pages are only requested within what page 1's
 * {@code count} announced and below the deep-pagination cap, so memory holds at most
 * {@code limit} pages, and request starts are paced after a 429 ({@link RequestPacer}). One
 * instance serves one poll.
 */
final class PagePrefetch {
    private final HaloApiClient api;
    private final Executor executor;
    private final ConcurrencyLimit limit;
    private final RequestPacer pacer;
    private final Map<Integer, CompletableFuture<EventPage>> inFlight = new HashMap<>();
    private Instant since;
    private int lastPage = 1; // the last page the window is known to have

    PagePrefetch(HaloApiClient api, Executor executor, ConcurrencyLimit limit, RequestPacer pacer) {
        this.api = api;
        this.executor = executor;
        this.limit = limit;
        this.pacer = pacer;
    }

    /** The window's current page, requested now or earlier; its failure is the caller's to retry. */
    CompletableFuture<EventPage> current(PollWindow window) {
        if (!window.since().equals(since)) {
            // a new sub-window (cap or 422 moved since): earlier requests belong to another query
            inFlight.values().forEach(f -> f.cancel(false));
            inFlight.clear();
            since = window.since();
            lastPage = 1;
        }
        inFlight.keySet().removeIf(page -> page < window.page());
        CompletableFuture<EventPage> page = request(window, window.page());
        requestAhead(window);
        return page;
    }

    /** Page 1 says how many pages the window has: request the next ones up to the limit. */
    void learned(PollWindow window, EventPage page) {
        if (window.page() == 1 && page.count() > 0) {
            long pages = (page.count() + window.perPage() - 1) / window.perPage();
            lastPage = (int) Math.min(pages, window.maxPage());
        }
        inFlight.remove(window.page());
        requestAhead(window);
    }

    /** Forgets a failed page so that the retry asks again. */
    void failed(PollWindow window) {
        inFlight.remove(window.page());
    }

    private void requestAhead(PollWindow window) {
        int last = Math.min(lastPage, window.page() + limit.current() - 1);
        for (int page = window.page() + 1; page <= last; page++) {
            request(window, page);
        }
    }

    private CompletableFuture<EventPage> request(PollWindow window, int page) {
        return inFlight.computeIfAbsent(page, p -> {
            URI uri = api.eventsUri(window.since(), window.until(), p, window.perPage()); // now, not on the other thread
            return CompletableFuture.supplyAsync(() -> {
                try {
                    pacer.acquire(); // on the fetch thread: the route keeps delivering meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted while waiting to send a request");
                }
                try {
                    EventPage fetched = api.fetch(uri);
                    pacer.succeeded();
                    return fetched;
                } catch (HaloTransientException e) {
                    if (e.rateLimited()) {
                        // adapt when the 429 arrives, not when the route reaches that page
                        pacer.rateLimited();
                        limit.rateLimited();
                    }
                    throw e;
                }
            }, executor);
        });
    }
}
