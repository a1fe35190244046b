package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiException;
import io.haloconnector.retry.ConcurrencyLimit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Keeps several pages of the current window in flight so the API's latency overlaps, while the
 * route still takes them one at a time in page order: delivery and the checkpoint stay in
 * created_at order, and a crash loses nothing. Each page is an exchange sent asynchronously to
 * the page request route (token, camel-http GET, retries); pages are only requested within what
 * page 1's {@code count} announced and below the deep-pagination cap, so memory holds at most
 * {@code limit} pages. One instance serves one poll.
 */
final class PagePrefetch {
    private final ProducerTemplate template;
    private final Endpoint pageRequests;
    private final ConcurrencyLimit limit;
    private final Object account;
    private final String apiBase;
    private final Map<Integer, CompletableFuture<Exchange>> inFlight = new HashMap<>();
    private Instant since;
    private Instant until;
    private int lastPage = 1; // the last page the window is known to have

    PagePrefetch(ProducerTemplate template, Endpoint pageRequests, ConcurrencyLimit limit, Object account, String apiBase) {
        this.template = template;
        this.pageRequests = pageRequests;
        this.limit = limit;
        this.account = account;
        this.apiBase = apiBase;
    }

    /** The window's current page, requested now or earlier: its exchange when the route is done with it. */
    CompletableFuture<Exchange> current(PollWindow window) {
        if (!window.since().equals(since) || !window.until().equals(until)) {
            // a new slice of the window: earlier requests belong to another query
            inFlight.values().forEach(f -> f.cancel(false));
            inFlight.clear();
            since = window.since();
            until = window.until();
            lastPage = 1;
        }
        inFlight.keySet().removeIf(page -> page < window.page());
        CompletableFuture<Exchange> page = request(window, window.page());
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

    /** Forgets a failed page so that asking again sends a new request. */
    void failed(PollWindow window) {
        inFlight.remove(window.page());
    }

    private void requestAhead(PollWindow window) {
        int last = Math.min(lastPage, window.page() + limit.current() - 1);
        for (int page = window.page() + 1; page <= last; page++) {
            request(window, page);
        }
    }

    private CompletableFuture<Exchange> request(PollWindow window, int page) {
        return inFlight.computeIfAbsent(page, p -> {
            Exchange exchange = pageRequests.createExchange();
            exchange.setProperty(PageRequest.SINCE, DateTimeFormatter.ISO_INSTANT.format(window.since()));
            exchange.setProperty(PageRequest.UNTIL, DateTimeFormatter.ISO_INSTANT.format(window.until()));
            exchange.setProperty(PageRequest.PAGE, p);
            exchange.setProperty(PageRequest.PER_PAGE, window.perPage());
            exchange.setProperty(PageRequest.AHEAD, p != window.page());
            exchange.setProperty(PageRequest.ACCOUNT, account);
            exchange.setProperty(PageRequest.API_URL, apiBase);
            return template.asyncSend(pageRequests, exchange);
        });
    }

    /** The page an exchange of the request route carries, or the exception it ended with. */
    static EventPage pageOf(Exchange done) {
        if (done.getException() != null) {
            Exception failure = done.getException();
            throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(failure);
        }
        EventPage page = done.getMessage().getBody(EventPage.class);
        if (page == null) {
            throw new HaloApiException("the events request route ended without a page (its last step must be haloEventsAnswer)");
        }
        return page;
    }
}
