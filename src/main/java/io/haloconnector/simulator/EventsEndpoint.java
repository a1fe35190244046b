package io.haloconnector.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /v1/events}: one page of the stored events for a window, built by concatenating the
 * events' pre-serialized bytes, with the configured latency, rate limit and queued faults.
 */
final class EventsEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
    private static final long RETENTION_MICROS = Duration.ofDays(90).toNanos() / 1_000;
    private static final byte[] COUNT_PREFIX = "{\"count\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENTS_PREFIX = ",\"events\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_PREFIX = "],\"pagination\":{\"next\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_SUFFIX = "\"}}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_PAGE_SUFFIX = "],\"pagination\":{}}".getBytes(StandardCharsets.US_ASCII);

    private final SimulatorConfig config;
    private final EventStore store;
    private final TokenRegistry tokens;
    private final FaultInjector faults;
    private final SimulatorStats stats;
    private final RequestRateLimiter rateLimiter;
    private final HttpReplies replies;
    private volatile URI baseUrl;

    EventsEndpoint(SimulatorConfig config, EventStore store, TokenRegistry tokens, FaultInjector faults,
                   SimulatorStats stats) {
        this.config = config;
        this.store = store;
        this.tokens = tokens;
        this.faults = faults;
        this.stats = stats;
        this.rateLimiter = new RequestRateLimiter(config.rateLimitPerSecond());
        this.replies = new HttpReplies(stats);
    }

    void baseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        stats.eventsRequest();
        String query = timeRange(exchange.getRequestURI().getRawQuery());
        stats.queryOpen(query);
        try {
            exchange.getRequestBody().close();
            Pause.of(config.latency());
            Fault fault = faults.nextEventFault();
            HttpReplies.AfterFault afterFault = replies.apply(exchange, fault, "events");
            if (afterFault == HttpReplies.AfterFault.ANSWERED) {
                return;
            }
            if (!rateLimiter.tryAcquire()) {
                replies.tooManyRequests(exchange, 1);
                return;
            }
            answer(exchange, fault);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            replies.reset(exchange);
        } finally {
            stats.queryAnswered(query);
        }
    }

    /** The since and until parameters of a query as they were sent, for the stats. */
    private static String timeRange(String rawQuery) {
        StringBuilder range = new StringBuilder();
        for (String parameter : (rawQuery == null ? "" : rawQuery).split("&")) {
            if (parameter.startsWith("since=") || parameter.startsWith("until=")) {
                range.append(parameter).append('&');
            }
        }
        return range.toString();
    }

    /** The page, sent as a body fault shapes it (null: whole). */
    private void answer(HttpExchange exchange, Fault bodyFault) throws IOException, InterruptedException {
        if (!exchange.getRequestURI().getPath().equals("/v1/events")) {
            replies.error(exchange, 404, "not_found", "no such resource");
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            replies.error(exchange, 405, "method_not_allowed", "use GET");
            return;
        }
        if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            replies.error(exchange, 401, "invalid_token", "missing, expired or revoked bearer token");
            return;
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        EventQuery query;
        try {
            query = EventQuery.parse(rawQuery);
        } catch (InvalidParameterException e) {
            replies.error(exchange, 400, "invalid_parameter", e.getMessage());
            return;
        }
        query.disobey(config);
        if ((long) query.page * query.perPage > config.maxResults()) {
            replies.error(exchange, 422, "pagination_limit", "page * per_page must not exceed "
                    + config.maxResults() + " results: narrow the window (move since forward) instead of paging deeper");
            return;
        }
        long nowMicros = System.currentTimeMillis() * 1_000;
        EventPage page = store.page(query, nowMicros - RETENTION_MICROS);
        boolean hasNext = (long) query.page * query.perPage < page.count();
        byte[] body = pageBody(page, hasNext ? nextUrl(rawQuery, query.page + 1) : null);
        if (replies.answer(exchange, body, bodyFault)) {
            stats.served(page.events().size());
        }
    }

    private boolean authorized(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && tokens.isValid(authorization.substring(7).trim());
    }

    /** The same query with page replaced (or added); other parameters stay as the client encoded them. */
    private String nextUrl(String rawQuery, int nextPage) {
        StringBuilder query = new StringBuilder();
        boolean replaced = false;
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (query.length() > 0) {
                    query.append('&');
                }
                if (pair.equals("page") || pair.startsWith("page=")) {
                    query.append("page=").append(nextPage);
                    replaced = true;
                } else {
                    query.append(pair);
                }
            }
        }
        if (!replaced) {
            query.append(query.length() > 0 ? "&" : "").append("page=").append(nextPage);
        }
        return baseUrl + "/v1/events?" + query;
    }

    private static byte[] pageBody(EventPage page, String next) {
        byte[] count = Integer.toString(page.count()).getBytes(StandardCharsets.US_ASCII);
        // a raw query should hold no quote or backslash; escape them anyway so the JSON stays valid
        byte[] nextBytes = next == null ? null
                : next.replace("\\", "\\\\").replace("\"", "\\\"").getBytes(StandardCharsets.UTF_8);
        List<StoredEvent> events = page.events();
        int size = COUNT_PREFIX.length + count.length + EVENTS_PREFIX.length + Math.max(0, events.size() - 1)
                + (next == null ? LAST_PAGE_SUFFIX.length : NEXT_PREFIX.length + nextBytes.length + NEXT_SUFFIX.length);
        for (StoredEvent event : events) {
            size += event.length();
        }
        byte[] body = new byte[size];
        int at = copy(COUNT_PREFIX, body, 0);
        at = copy(count, body, at);
        at = copy(EVENTS_PREFIX, body, at);
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body[at++] = ',';
            }
            events.get(i).copyJsonTo(body, at);
            at += events.get(i).length();
        }
        if (next == null) {
            copy(LAST_PAGE_SUFFIX, body, at);
        } else {
            at = copy(NEXT_PREFIX, body, at);
            at = copy(nextBytes, body, at);
            copy(NEXT_SUFFIX, body, at);
        }
        return body;
    }

    private static int copy(byte[] source, byte[] target, int at) {
        System.arraycopy(source, 0, target, at, source.length);
        return at + source.length;
    }
}
