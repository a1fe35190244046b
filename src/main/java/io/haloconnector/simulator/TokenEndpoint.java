package io.haloconnector.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** {@code POST /oauth/access_token}: the client-credentials grant with HTTP Basic key and secret. */
final class TokenEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

    private final byte[] expectedCredentials;
    private final TokenRegistry tokens;
    private final FaultInjector faults;
    private final SimulatorStats stats;
    private final HttpReplies replies;

    TokenEndpoint(SimulatorConfig config, TokenRegistry tokens, FaultInjector faults, SimulatorStats stats) {
        this.expectedCredentials = (config.apiKey() + ":" + config.apiSecret()).getBytes(StandardCharsets.UTF_8);
        this.tokens = tokens;
        this.faults = faults;
        this.stats = stats;
        this.replies = new HttpReplies(stats);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        stats.tokenRequest();
        try {
            if (!exchange.getRequestURI().getPath().equals("/oauth/access_token")) {
                replies.error(exchange, 404, "not_found", "no such resource");
                return;
            }
            String form = readBody(exchange);
            Fault fault = faults.nextTokenFault();
            HttpReplies.AfterFault afterFault = replies.apply(exchange, fault, "token");
            if (afterFault == HttpReplies.AfterFault.ANSWERED) {
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                replies.error(exchange, 405, "method_not_allowed", "use POST");
                return;
            }
            if (!"client_credentials".equals(grantType(exchange.getRequestURI().getRawQuery(), form))) {
                replies.error(exchange, 401, "unsupported_grant_type", "grant_type must be client_credentials");
                return;
            }
            if (!credentialsMatch(exchange.getRequestHeaders().getFirst("Authorization"))) {
                replies.error(exchange, 401, "invalid_client", "bad or missing API key credentials");
                return;
            }
            JsonByteWriter body = new JsonByteWriter(96);
            body.beginObject()
                    .field("access_token", tokens.issue())
                    .field("token_type", "bearer")
                    .name("expires_in").rawValue(Long.toString(tokens.ttlSeconds()).getBytes(StandardCharsets.US_ASCII))
                    .endObject();
            byte[] bytes = body.toBytes();
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            replies.answer(exchange, bytes, fault);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            replies.reset(exchange);
        }
    }

    private boolean credentialsMatch(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            byte[] given = Base64.getDecoder().decode(authorization.substring(6).trim());
            return MessageDigest.isEqual(given, expectedCredentials);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String grantType(String rawQuery, String form) {
        String fromQuery = formValue(rawQuery, "grant_type");
        return fromQuery != null ? fromQuery : formValue(form, "grant_type");
    }

    private static String formValue(String encoded, String name) {
        if (encoded == null || encoded.isEmpty()) {
            return null;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).trim();
            }
        }
        return null;
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            // a token request body is a short form; anything longer is not ours to read
            return new String(in.readNBytes(8_192), StandardCharsets.UTF_8);
        }
    }
}
