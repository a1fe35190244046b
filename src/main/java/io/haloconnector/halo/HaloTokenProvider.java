package io.haloconnector.halo;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.retry.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OAuth2 client-credentials tokens for the Halo API. One token is cached until {@code expires_in}
 * minus a margin and shared by all callers; refreshing is synchronized so one caller asks at a
 * time. We do not use camel-http's oauth2 options: their cache is keyed by the full URL, so every
 * events page would fetch a new token. As the route's OAuth step it sets {@code Authorization:
 * Bearer <token>} on the events request.
 */
public final class HaloTokenProvider implements Processor {
    /** The exchange property naming the token a request was sent with, so that a 401 drops exactly that one. */
    public static final String TOKEN_SENT = "haloTokenSent";
    /** The exchange property holding the account's API base URL, which the token request route's {@code toD} reads. */
    public static final String API_URL = "haloApiUrl";

    private static final Logger LOG = LoggerFactory.getLogger(HaloTokenProvider.class);
    // refresh this long before expiry so a page request never races the token's end
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);
    /** The longest token lifetime taken from an answer: beyond it, a new token is asked for anyway. */
    private static final Duration MAX_LIFETIME = Duration.ofDays(1);
    
    private final ProducerTemplate template;
    private final String tokenRequests;
    private final String apiBase;
    private final String host;
    private final String credentialsHint;
    private final String basicAuthorization;
    private final Clock clock;
    private final HaloRequestObserver observer;
    private final AtomicLong refreshes = new AtomicLong();

    private String token;
    private Instant refreshAt = Instant.MIN;

    /**
     * Asks for tokens by sending to {@code tokenRequests}, the token request route (camel-http, so
     * the Halo requests' timeouts, proxy and TLS apply to it too).
     */
    public HaloTokenProvider(ProducerTemplate template, String tokenRequests, String apiBase, String key, String secret,
                             String credentialsHint, Clock clock, HaloRequestObserver observer) {
        this.template = template;
        this.tokenRequests = tokenRequests;
        this.apiBase = apiBase;
        this.host = ConnectorSettings.hostAndPort(java.net.URI.create(apiBase));
        this.credentialsHint = credentialsHint;
        this.observer = observer;
        this.basicAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** The route's OAuth step: the cached token (a new one when needed) as the request's bearer token. */
    @Override
    public void process(Exchange exchange) {
        String current = token();
        exchange.setProperty(TOKEN_SENT, current);
        exchange.getMessage().setHeader("Authorization", "Bearer " + current);
    }

    /** A valid bearer token, fetched when none is cached or the cached one is near its end. */
    public synchronized String token() {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            fetch();
        }
        return token;
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

    private void fetch() {
        Exchange answer = template.send(tokenRequests, request -> {
            request.setProperty(API_URL, apiBase);
            request.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            request.getMessage().setHeader("Authorization", basicAuthorization);
            request.getMessage().setHeader("Accept", "application/json");
            request.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            request.getMessage().setBody("grant_type=client_credentials");
        });
        answer.getMessage().removeHeader("Authorization");
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
            token = accessToken.asText();
            refreshAt = now.plus(lifetime).minus(margin);
            refreshes.incrementAndGet();
            LOG.debug("New Halo API token, valid for {} s", lifetime.toSeconds());
        } catch (IOException e) {
            throw new MalformedResponseException("the token answer from Halo at " + host + " is not valid JSON: "
                    + HaloEventsAnswer.firstBytes(bytes), null);
        }
    }
}
