package io.haloconnector.halo;

import io.haloconnector.http.RequestAbortedException;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.retry.RequestPacer;
import io.haloconnector.retry.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads camel-http's answer to {@code GET /v1/events}: a 200 becomes the {@link EventPage} (the
 * body), anything else one of this package's exceptions, which the route's error handler retries
 * (transient) or ends the poll with. A 401 drops the token it was sent with and is repeated once
 * at once with a new one; a second 401 is a credentials problem. A 429 lowers the request pace and
 * the pages in flight as soon as it arrives. The bearer token leaves the message here, so no later
 * step or output ever sees it.
 */
public final class HaloEventsAnswer implements Processor {
    /** Exchange property: true once a request of this page was refused with 401 and repeated. */
    static final String TOKEN_REFUSED = "haloTokenRefused";
    /** How much of an answer that is not JSON a message shows. */
    private static final int FIRST_BYTES = 80;
    // enough of a refusal's body to say what it is; the rest is not read into memory
    private static final int SNIPPET_BYTES = 4096;

    private final String host;
    private final HaloTokenProvider tokens;
    private final HaloRequestObserver observer;
    private final RequestPacer pacer;
    private final ConcurrencyLimit limit;
    private final int maxEventBytes;

    public HaloEventsAnswer(String host, HaloTokenProvider tokens, HaloRequestObserver observer, RequestPacer pacer,
                            ConcurrencyLimit limit, int maxEventBytes) {
        this.host = host;
        this.tokens = tokens;
        this.observer = observer;
        this.pacer = pacer;
        this.limit = limit;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        exchange.getMessage().removeHeader("Authorization");
        String tokenSent = exchange.getProperty(HaloTokenProvider.TOKEN_SENT, String.class);
        exchange.removeProperty(HaloTokenProvider.TOKEN_SENT);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        observer.answered("events", status);
        // the route's camel-http call hands over the body as a stream (disableStreamCache): a page is
        // parsed as it arrives and never held whole, however large an event in it is
        try (InputStream body = exchange.getMessage().getBody(InputStream.class)) {
            answer(exchange, status, tokenSent, body == null ? InputStream.nullInputStream() : body);
        }
    }

    private void answer(Exchange exchange, int status, String tokenSent, InputStream body) throws IOException {
        switch (status) {
            case 200 -> {
                if (!isJson(exchange)) {
                    throw notJson(exchange, host, "/v1/events", body.readNBytes(FIRST_BYTES + 1));
                }
                EventPage page = EventPageParser.parse(body, maxEventBytes);
                pacer.succeeded();
                limit.succeeded();
                exchange.getMessage().setBody(page);
            }
            case 404 -> exchange.getMessage().setBody(EventPage.empty()); // the API answers a page past the last one with 404: an empty page
            case 401 -> {
                if (exchange.getProperty(TOKEN_REFUSED, false, Boolean.class)) {
                    throw new HaloCredentialsException("Halo at " + host + " refused a fresh token for /v1/events"
                            + " (HTTP 401 twice): check that the key in halo.api.key is active");
                }
                // expired or revoked early: one new token, one repeat of the same request at once
                tokens.invalidate(tokenSent);
                exchange.setProperty(TOKEN_REFUSED, true);
                throw new HaloTransientException("Halo at " + host + " refused the token (HTTP 401)", 401, Duration.ZERO, null);
            }
            case 403 -> throw new HaloCredentialsException("Halo at " + host + " denied the key access to /v1/events"
                    + " (HTTP 403): give the key in halo.api.key read (auditor) scope on the server groups");
            case 400, 422 -> throw new HaloRequestRejectedException(status, "Halo at " + host + " rejected the request"
                    + " (HTTP " + status + "): " + snippet(body.readNBytes(SNIPPET_BYTES)));
            default -> {
                if (status == 429) {
                    // adapt when the 429 arrives, not when the route reaches that page
                    pacer.rateLimited();
                    limit.rateLimited();
                }
                Duration retryAfter = RetryAfter.parse(exchange.getMessage().getHeader("Retry-After", String.class));
                throw new HaloTransientException("Halo at " + host + " answered HTTP " + status, status, retryAfter, null);
            }
        }
    }

    /** An I/O failure in a few words, without the request (whose headers hold the token). */
    public static String describe(IOException e) {
        if (e instanceof RequestAbortedException) {
            return e.getMessage(); // says which limit cut it off, or that the connector is stopping
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** The settings to check when the API could not be read: its URL, and with a TLS failure the trust store. */
    public static String whatToCheck(IOException e) {
        return e instanceof javax.net.ssl.SSLException
                ? "check halo.api.url and the trust store camel-http uses (camel.ssl.trustStore)"
                : "check halo.api.url";
    }

    /**
     * Whether a 200 can be JSON: one that is not (a proxy's login or error page, say) is described by
     * what it is, its content type and first bytes. A missing content type gets the benefit of the doubt.
     */
    static boolean isJson(Exchange answer) {
        String contentType = answer.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        return contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json");
    }

    static MalformedResponseException notJson(Exchange answer, String host, String path, byte[] firstBytes) {
        return new MalformedResponseException("Halo at " + host + " answered " + path + " with "
                + answer.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class) + ", not JSON: " + firstBytes(firstBytes));
    }

    /**
     * The first bytes of an answer as printable text, for a message. A token answer with a wrong
     * content type or cut short still holds the token: whatever follows {@code "access_token"} (up to
     * the next quote, or the end when cut there) is hidden.
     */
    static String firstBytes(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty)";
        }
        String text = new String(body, 0, Math.min(body.length, FIRST_BYTES), StandardCharsets.UTF_8)
                .replaceAll("(\"(?:access|refresh)_token\"\\s*:\\s*\")[^\"]*", "$1(hidden)")
                .replaceAll("\\s+", " ").replaceAll("[^\\x20-\\x7e]", "?").trim();
        return "\"" + text + (body.length > FIRST_BYTES ? "...\"" : "\"");
    }

    private static String snippet(byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
