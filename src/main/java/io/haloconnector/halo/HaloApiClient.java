package io.haloconnector.halo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Fetches one page of {@code GET /v1/events} with a bearer token. A 401 gets one new token and one
 * repeat of the same request; every other failure is classified into the exceptions of this
 * package so the caller decides about retries. Built on the JDK's HttpClient: it never retries
 * or honours Retry-After on its own, so every wait stays visible and bounded in our code.
 */
public final class HaloApiClient {
    /** Parses floats as exact BigDecimals so numbers in events pass through unchanged (CVSS 9.0 stays 9.0). */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

    private final HttpClient http;
    private final URI apiUrl;
    private final HaloTokenProvider tokens;
    private final Duration timeout;
    private final HaloRequestObserver observer;

    public HaloApiClient(HttpClient http, URI apiUrl, HaloTokenProvider tokens, Duration timeout, HaloRequestObserver observer) {
        this.http = http;
        this.apiUrl = apiUrl;
        this.tokens = tokens;
        this.timeout = timeout;
        this.observer = observer;
    }

    /** The API host, for messages. */
    public String host() {
        return apiUrl.getHost();
    }

    /** The URL of one events page, oldest first, of the window [since, until). */
    public URI eventsUri(Instant since, Instant until, int page, int perPage) {
        String path = apiUrl.getPath() == null ? "" : apiUrl.getPath().replaceAll("/+$", "");
        return URI.create(apiUrl.getScheme() + "://" + apiUrl.getRawAuthority() + path + "/v1/events"
                + "?since=" + encode(TIMESTAMP.format(since))
                + "&until=" + encode(TIMESTAMP.format(until))
                + "&page=" + page + "&per_page=" + perPage + "&sort_by=created_at.asc");
    }

    /** One page; see the class comment for what each answer becomes. */
    public EventPage fetch(URI pageUri) {
        String token = tokens.token();
        HttpResponse<byte[]> response = send(pageUri, token);
        if (response.statusCode() == 401) {
            // expired or revoked early: one new token, one repeat of the same request
            tokens.invalidate(token);
            response = send(pageUri, tokens.token());
            if (response.statusCode() == 401) {
                throw new HaloCredentialsException("Halo at " + host() + " refused a fresh token for /v1/events (HTTP 401 twice):"
                        + " check that the key in halo.api.key is active");
            }
        }
        int status = response.statusCode();
        return switch (status) {
            case 200 -> EventPageParser.parse(response.body());
            case 404 -> EventPage.empty(); // halo-api.md: a 404 on a page is an empty page
            case 403 -> throw new HaloCredentialsException("Halo at " + host() + " denied the key access to /v1/events"
                    + " (HTTP 403): give the key in halo.api.key read (auditor) scope on the server groups");
            case 400, 422 -> throw new HaloRequestRejectedException(status, "Halo at " + host() + " rejected the request"
                    + " (HTTP " + status + "): " + snippet(response.body()));
            default -> throw new HaloTransientException("Halo at " + host() + " answered HTTP " + status, status,
                    retryAfter(response), null);
        };
    }

    private HttpResponse<byte[]> send(URI uri, String token) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            observer.answered("events", response.statusCode());
            return response;
        } catch (IOException e) {
            observer.answered("events", 0);
            throw new HaloTransientException("Halo at " + host() + " could not be read: " + describe(e), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HaloApiException("interrupted while reading from Halo at " + host());
        }
    }

    /** The Retry-After header as a duration (seconds form), or null. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return null; // the HTTP-date form is rare; our own backoff applies then
            }
        }).orElse(null);
    }

    /** An I/O failure in a few words, without the request (whose headers hold the token). */
    static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
