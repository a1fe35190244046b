package io.haloconnector.simulator;

import com.sun.net.httpserver.HttpExchange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;

/** Sends the simulator's answers: JSON bodies with an exact Content-Length, and counts each status. */
final class HttpReplies {
    private static final Logger LOG = LoggerFactory.getLogger(HttpReplies.class);

    private final SimulatorStats stats;

    HttpReplies(SimulatorStats stats) {
        this.stats = stats;
    }

    void json(HttpExchange exchange, int status, byte[] body) throws IOException {
        send(exchange, status, body, body.length);
    }

    /** Sends only the first {@code length} bytes of the body, announced as the whole. */
    void send(HttpExchange exchange, int status, byte[] body, int length) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        stats.answered(status);
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body, 0, length);
            }
        }
        exchange.close();
    }

    /** A small JSON error: {@code {"error": code, "message": message}}. */
    void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        json(exchange, status, errorBody(code, message));
    }

    /** Closes the connection without any HTTP answer (the JDK server drops a connection left unanswered). */
    void reset(HttpExchange exchange) {
        exchange.close();
    }

    static byte[] errorBody(String code, String message) {
        JsonByteWriter writer = new JsonByteWriter(128);
        writer.beginObject().field("error", code).field("message", message).endObject();
        return writer.toBytes();
    }

    /** What an injected fault left to do: nothing (it answered), or the normal answer (see {@link #answer}). */
    enum AfterFault { ANSWERED, ANSWER }

    /**
     * Sends a 200 answer whole, or as a body fault shapes it: cut in half, stalled after 40 bytes, or
     * trickled byte by byte. True when it went out whole.
     */
    boolean answer(HttpExchange exchange, byte[] body, Fault fault) throws IOException, InterruptedException {
        Fault.Kind kind = fault == null ? null : fault.kind();
        if (kind == Fault.Kind.TRUNCATED_BODY) {
            send(exchange, 200, body, body.length / 2);
            return false;
        }
        if (kind != Fault.Kind.STALLED_BODY && kind != Fault.Kind.TRICKLED_BODY) {
            json(exchange, 200, body);
            return true;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        stats.answered(200);
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        if (kind == Fault.Kind.STALLED_BODY) {
            out.write(body, 0, Math.min(Fault.STALLED_AFTER_BYTES, body.length));
            out.flush();
            Pause.untilStopped();
        } else {
            // a client that gives up closes the connection: the next write fails and ends this
            for (byte b : body) {
                out.write(b);
                out.flush();
                Pause.of(fault.delay());
            }
            out.close();
        }
        exchange.close();
        return false;
    }

    /** Applies a one-shot fault (null: none) to a request of {@code endpoint}, shared by every endpoint. */
    AfterFault apply(HttpExchange exchange, Fault fault, String endpoint) throws IOException, InterruptedException {
        if (fault == null) {
            return AfterFault.ANSWER;
        }
        LOG.info("{} request: applying {}", endpoint, fault);
        switch (fault.kind()) {
            case STATUS -> error(exchange, fault.status(), "injected_fault", "simulated HTTP " + fault.status());
            case TOO_MANY_REQUESTS -> tooManyRequests(exchange, fault.retryAfterSeconds());
            case CONNECTION_RESET -> reset(exchange);
            case DELAY -> {
                Pause.of(fault.delay());
                return AfterFault.ANSWER;
            }
            case TRUNCATED_BODY, STALLED_BODY, TRICKLED_BODY -> {
                return AfterFault.ANSWER; // applied to the body by answer()
            }
            case HANG -> {
                Pause.untilStopped();
                reset(exchange);
            }
        }
        return AfterFault.ANSWERED;
    }

    void tooManyRequests(HttpExchange exchange, int retryAfterSeconds) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        error(exchange, 429, "rate_limited", "too many requests, retry after " + retryAfterSeconds + " s");
    }
}
