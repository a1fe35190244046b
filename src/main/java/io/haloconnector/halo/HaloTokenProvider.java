package io.haloconnector.halo;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.retry.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.AggregationStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OAuth2 client-credentials tokens for the Halo API, one cache per account. One token is cached
 * until {@code expires_in} minus a margin and shared by all of the account's requests. The request
 * for a new one is an arrow of the YAML: the page request route's OAuth step ({@link #process})
 * sets the cached token, or, when there is none or it is near its end, the property
 * {@link #TOKEN_NEEDED} on the one request that then asks for it; the route's {@code filter} on
 * it {@code enrich}es from the token request route with this cache as the aggregation strategy
 * ({@link #aggregate}), which keeps the answer and sets the bearer token. Requests that need a
 * token while one is asked for wait for it: one token request at a time per account. We do not
 * use camel-http's oauth2 options: their cache is keyed by the full URL, so every events page
 * would fetch a new token.
 */
public final class HaloTokenProvider implements Processor, AggregationStrategy {
    /** The exchange property naming the token a request was sent with, so that a 401 drops exactly that one. */
    public static final String TOKEN_SENT = "haloTokenSent";
    /** Boolean exchange property: this request asks for the account's new token (the route's filter reads it). */
    public static final String TOKEN_NEEDED = "haloTokenNeeded";
    /** The exchange property holding the account's API base URL, which the token request route's {@code toD} reads. */
    public static final String API_URL = "haloApiUrl";

    private static final Logger LOG = LoggerFactory.getLogger(HaloTokenProvider.class);
    // refresh this long before expiry so a page request never races the token's end
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);
    /** The longest token lifetime taken from an answer: beyond it, a new token is asked for anyway. */
    private static final Duration MAX_LIFETIME = Duration.ofDays(1);

    private final String host;
    private final String credentialsHint;
    private final String basicAuthorization;
    private final Clock clock;
    private final Duration waitLimit;
    private final HaloRequestObserver observer;
    private final AtomicLong refreshes = new AtomicLong();

    private String token;
    private Instant refreshAt = Instant.MIN;
    // the token being asked for by one request, which the others wait for; null when none is
    private CompletableFuture<String> asked;

    /**
     * @param waitLimit how long a request waits for the token another one asks for (the token
     *                  request's own time limit bounds it first)
     */
    public HaloTokenProvider(String apiBase, String key, String secret, String credentialsHint, Clock clock,
                             Duration waitLimit, HaloRequestObserver observer) {
        this.host = ConnectorSettings.hostAndPort(java.net.URI.create(apiBase));
        this.credentialsHint = credentialsHint;
        this.observer = observer;
        this.waitLimit = waitLimit;
        this.basicAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /**
     * The route's OAuth step: the cached token as the request's bearer token; with none (or one near
     * its end) this request asks for a new one ({@link #TOKEN_NEEDED}), or waits while another does.
     */
    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(TOKEN_NEEDED, false);
        CompletableFuture<String> other;
        synchronized (this) {
            if (token != null && clock.instant().isBefore(refreshAt)) {
                bearer(exchange, token);
                return;
            }
            if (asked == null) {
                asked = new CompletableFuture<>();
                exchange.setProperty(TOKEN_NEEDED, true);
                return;
            }
            other = asked;
        }
        bearer(exchange, await(other));
    }

    /** The token request route's step: POST grant_type=client_credentials with the API key as Basic authorization. */
    public void tokenRequest(Exchange request) {
        request.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        request.getMessage().setHeader("Authorization", basicAuthorization);
        request.getMessage().setHeader("Accept", "application/json");
        request.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
        request.getMessage().setBody("grant_type=client_credentials");
    }

    /**
     * The {@code enrich}'s aggregation: the token answer is cached and set as the request's bearer
     * token, and the requests waiting for it go on; a failed answer fails them all with its one exception.
     */
    @Override
    public Exchange aggregate(Exchange request, Exchange answer) {
        CompletableFuture<String> waiting;
        synchronized (this) {
            waiting = asked;
            asked = null;
        }
        try {
            Fresh read = read(answer);
            String fresh = read.token();
            synchronized (this) {
                // both at once: no request sees the new end with the old token
                token = fresh;
                refreshAt = read.refreshAt();
            }
            if (waiting != null) {
                waiting.complete(fresh);
            }
            bearer(request, fresh);
        } catch (RuntimeException e) {
            if (waiting != null) {
                waiting.completeExceptionally(e);
            }
            request.setException(e);
        } finally {
            answer.getMessage().removeHeader("Authorization");
            request.setProperty(TOKEN_NEEDED, false);
        }
        return request;
    }

    /** A valid bearer token for a request that did not ask for it: the one being asked for. */
    private String await(CompletableFuture<String> other) {
        try {
            return other.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            synchronized (this) {
                // the request that asked never came back: the next one asks again
                if (asked == other) {
                    asked = null;
                }
            }
            throw new HaloTransientException("no token from Halo at " + host + " within " + waitLimit.toSeconds() + " s", null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HaloTransientException("stopped while waiting for a token from Halo at " + host, null, null);
        }
    }

    private static void bearer(Exchange exchange, String token) {
        exchange.setProperty(TOKEN_SENT, token);
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
    }

    /** Drops the token a request was refused with, unless another caller already replaced it. */
    public synchronized void invalidate(String refused) {
        if (refused != null && refused.equals(token)) {
            token = null;
        }
    }

    /** How many tokens were fetched since start. */
    public long refreshes() {
        return refreshes.get();
    }

    /** A token read from an answer, and when the next one is asked for. */
    private record Fresh(String token, Instant refreshAt) {
    }

    /** The token of an answer of the token request route; its lifetime sets when the next is asked for. */
    private Fresh read(Exchange answer) {
        if (answer.getException() != null) {
            observer.answered("token", 0);
            Exception failure = answer.getException();
            throw new HaloTransientException("Halo at " + host + " could not be reached for a token: "
                    + (failure instanceof IOException io ? HaloEventsAnswer.describe(io) + "; " + HaloEventsAnswer.whatToCheck(io)
                    : failure.getClass().getSimpleName()), null, failure instanceof IOException ? failure : null);
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        observer.answered("token", status);
        if (status == 401 || status == 403) {
            throw new HaloCredentialsException("Halo at " + host + " refused the API key (HTTP " + status
                    + " from /oauth/access_token): " + credentialsHint);
        }
        if (status != 200) {
            throw new HaloTransientException("Halo at " + host + " answered HTTP " + status + " to the token request",
                    RetryAfter.parse(answer.getMessage().getHeader("Retry-After", String.class)), null);
        }
        byte[] bytes = answer.getMessage().getBody(byte[].class);
        if (!HaloEventsAnswer.isJson(answer)) {
            throw HaloEventsAnswer.notJson(answer, host, "/oauth/access_token", bytes);
        }
        try {
            JsonNode body = HaloJson.MAPPER.readTree(bytes == null ? new byte[0] : bytes);
            JsonNode accessToken = body.get("access_token");
            if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
                throw new MalformedResponseException("the token answer from Halo at " + host + " has no access_token");
            }
            long expiresIn = body.path("expires_in").asLong(900);
            Instant now = clock.instant();
            // a server's lifetime is taken within 1 s to 1 day (Halo's tokens last 15 minutes): a huge
            // or negative one would overflow the clock or ask for a token before every request
            Duration lifetime = Duration.ofSeconds(Math.min(MAX_LIFETIME.toSeconds(), Math.max(1, expiresIn)));
            // very short lifetimes (tests) refresh at half-life instead of a fixed margin
            Duration margin = lifetime.compareTo(EXPIRY_MARGIN.multipliedBy(2)) > 0 ? EXPIRY_MARGIN : lifetime.dividedBy(2);
            refreshes.incrementAndGet();
            LOG.debug("New Halo API token, valid for {} s", lifetime.toSeconds());
            return new Fresh(accessToken.asText(), now.plus(lifetime).minus(margin));
        } catch (IOException e) {
            throw new MalformedResponseException("the token answer from Halo at " + host + " is not valid JSON: "
                    + HaloEventsAnswer.firstBytes(bytes), null);
        }
    }
}
