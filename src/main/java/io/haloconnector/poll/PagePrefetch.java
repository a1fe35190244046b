package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloApiException;
import io.haloconnector.retry.ConcurrencyLimit;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.SynchronizationAdapter;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * Keeps several pages in flight so the API's latency overlaps, while the route still takes them
 * one at a time in page order: delivery and the checkpoint stay in created_at order, and a crash
 * loses nothing. Each page is an exchange sent asynchronously to the page request route (token,
 * camel-http GET, retries). The pages asked for ahead are the ones the route will take next: the
 * rest of the slice being read, as far as its page 1's {@code count} goes, then the slices after
 * it, each as {@link PollWindow#sliceAfter} will make it once the one before is read, and each as
 * far as its own page 1 counted. So a catch-up keeps pages in flight across the slice boundaries of
 * the deep-pagination cap instead of waiting at each for the slice's last page, then its page 1.
 * A slice that is narrowed after all (events arrived meanwhile) leaves its pages asked for ahead
 * unused, which costs requests, never events: a page is only ever taken for the exact query the
 * window is at. Memory holds at most {@code limit} pages, and a page is requested ahead only with a
 * permit of {@code pagesAhead}, which the accounts of a node share. No page is requested ahead
 * while the output fails ({@link OutputBackoff}), nor once the connector is stopping. One instance
 * serves one poll.
 */
final class PagePrefetch {
    private record PageKey(PollWindow.Slice slice, int page) {
    }

    private final ProducerTemplate template;
    private final Endpoint pageRequests;
    private final ConcurrencyLimit limit;
    private final Semaphore pagesAhead;
    private final Object account;
    private final String apiBase;
    private final ConnectorStopping stopping;
    private final OutputBackoff output;
    private final Map<PageKey, CompletableFuture<Exchange>> inFlight = new HashMap<>();
    // the pages of inFlight that hold a permit of pagesAhead
    private final Set<PageKey> permitted = new HashSet<>();
    // what page 1 counted, for the slice being read and those planned after it
    private final Map<PollWindow.Slice, Long> counts = new HashMap<>();
    // the slice whose page 1 the route took (so not narrowed): read as far as its count goes
    private PollWindow.Slice accepted;

    PagePrefetch(ProducerTemplate template, Endpoint pageRequests, ConcurrencyLimit limit, Semaphore pagesAhead,
                 Object account, String apiBase, ConnectorStopping stopping, OutputBackoff output) {
        this.stopping = stopping;
        this.output = output;
        this.template = template;
        this.pageRequests = pageRequests;
        this.limit = limit;
        this.pagesAhead = pagesAhead;
        this.account = account;
        this.apiBase = apiBase;
    }

    /** The window's current page, requested now or earlier: its exchange when the route is done with it. */
    CompletableFuture<Exchange> current(PollWindow window) {
        PageKey key = keyOf(window);
        CompletableFuture<Exchange> page = inFlight.get(key);
        if (page == null) {
            page = send(window, key, false);
            inFlight.put(key, page);
        }
        requestAhead(window);
        return page;
    }

    /** The route took the current page: page 1 says how many pages its slice has; ask for the next ones. */
    void learned(PollWindow window, EventPage page) {
        if (window.page() == 1) {
            accepted = window.slice();
            counts.put(accepted, page.count());
        }
        forget(keyOf(window));
        requestAhead(window);
    }

    /** Forgets a failed page so that asking again sends a new request. */
    void failed(PollWindow window) {
        forget(keyOf(window));
    }

    /** Run when the poll ends, however: the pages still requested ahead are dropped and their permits given back. */
    Synchronization closer() {
        return new SynchronizationAdapter() {
            // stays with the poll: each page handed to seda:halo-output-pages would take it over otherwise
            @Override
            public boolean allowHandover() {
                return false;
            }

            @Override
            public void onDone(Exchange exchange) {
                inFlight.values().forEach(page -> page.cancel(false));
                inFlight.clear();
                pagesAhead.release(permitted.size());
                permitted.clear();
            }
        };
    }

    private void forget(PageKey key) {
        inFlight.remove(key);
        if (permitted.remove(key)) {
            pagesAhead.release();
        }
    }

    /**
     * Asks for the pages the route takes after the current one, up to the limit, and forgets
     * (cancels) the requests of pages it has passed or of slices it will not read.
     */
    private void requestAhead(PollWindow window) {
        // a failing output would refuse the pages: the current one alone tells when it takes events again
        int ahead = output.failing() || stopping.isStopping() ? 0 : limit.current() - 1;
        List<PageKey> next = new ArrayList<>();
        Set<PollWindow.Slice> planned = new HashSet<>();
        PollWindow.Slice slice = window.slice();
        planned.add(slice);
        int page = window.page();
        Long count = countOf(slice);
        // each slice as far as its page 1 counted, then page 1 of the slice after it; the walk stops
        // at a slice whose page 1 has not come back yet (asking further on a guess of its density
        // cost a third more requests on bursty events, all in vain)
        while (count != null) {
            boolean toNarrow = !slice.equals(accepted) && count > window.readable();
            if (page < (toNarrow ? 1 : lastPage(window, count))) {
                page++;
            } else {
                slice = toNarrow ? null : window.sliceAfter(slice, count);
                if (slice == null) {
                    break; // the window ends, or this slice is narrowed first: what follows is not known
                }
                planned.add(slice);
                page = 1;
            }
            next.add(new PageKey(slice, page));
            count = page == 1 ? countOf(slice) : count;
        }
        int current = window.page();
        PollWindow.Slice reading = window.slice();
        inFlight.entrySet().removeIf(entry -> {
            PageKey key = entry.getKey();
            boolean passed = !planned.contains(key.slice()) || key.slice().equals(reading) && key.page() < current;
            if (passed) {
                entry.getValue().cancel(false);
                if (permitted.remove(key)) {
                    pagesAhead.release();
                }
            }
            return passed;
        });
        counts.keySet().retainAll(planned);
        for (int i = 0; i < Math.min(ahead, next.size()); i++) {
            PageKey key = next.get(i);
            if (!inFlight.containsKey(key)) {
                if (!pagesAhead.tryAcquire()) {
                    break; // the node's other accounts hold the pages ahead: this one asks as it goes
                }
                permitted.add(key);
                inFlight.put(key, send(window, key, true));
            }
        }
    }

    private static int lastPage(PollWindow window, long count) {
        long pages = (count + window.perPage() - 1) / window.perPage();
        return (int) Math.max(1, Math.min(pages, window.maxPage()));
    }

    /** Page 1's count of a slice: known once the route took it, or once its request ahead came back. */
    private Long countOf(PollWindow.Slice slice) {
        Long known = counts.get(slice);
        if (known != null) {
            return known;
        }
        CompletableFuture<Exchange> first = inFlight.get(new PageKey(slice, 1));
        if (first == null || !first.isDone() || first.isCompletedExceptionally()) {
            return null;
        }
        Exchange done = first.join();
        EventPage page = done.getException() == null ? done.getMessage().getBody(EventPage.class) : null;
        if (page == null) {
            return null;
        }
        counts.put(slice, page.count());
        return page.count();
    }

    private PageKey keyOf(PollWindow window) {
        return new PageKey(window.slice(), window.page());
    }

    private CompletableFuture<Exchange> send(PollWindow window, PageKey key, boolean ahead) {
        Exchange exchange = pageRequests.createExchange();
        exchange.setProperty(PageRequest.SINCE, DateTimeFormatter.ISO_INSTANT.format(key.slice().since()));
        exchange.setProperty(PageRequest.UNTIL, DateTimeFormatter.ISO_INSTANT.format(key.slice().until()));
        exchange.setProperty(PageRequest.PAGE, key.page());
        exchange.setProperty(PageRequest.PER_PAGE, window.perPage());
        exchange.setProperty(PageRequest.AHEAD, ahead);
        exchange.setProperty(PageRequest.ACCOUNT, account);
        exchange.setProperty(PageRequest.API_URL, apiBase);
        return template.asyncSend(pageRequests, exchange);
    }

    /** The page an exchange of the request route carries, or the exception it ended with. */
    static EventPage pageOf(Exchange done) {
        if (done.getException() != null) {
            Exception failure = done.getException();
            throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(failure);
        }
        EventPage page = done.getMessage().getBody(EventPage.class);
        if (page == null) {
            throw new HaloApiException("the events request route ended without a page (its last step must be eventsAnswer)");
        }
        return page;
    }
}
