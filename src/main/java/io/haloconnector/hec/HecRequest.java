package io.haloconnector.hec;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The next HEC request of a page: an event POST of one batch, a health GET, or an ack POST of
 * the page's unacked ackIds. The HEC output route's loop sends it to {@code direct:hec-request}.
 */
record HecRequest(Kind kind, HecBatch batch, List<Long> ackIds) {

    enum Kind {
        EVENT("event", "POST"), HEALTH("health", "GET"), ACK("ack", "POST");

        /** Appended to {@code hec.url/services/collector/} by the request route. */
        final String path;
        final String method;

        Kind(String path, String method) {
            this.path = path;
            this.method = method;
        }
    }

    static HecRequest events(HecBatch batch) {
        return new HecRequest(Kind.EVENT, batch, List.of());
    }

    static HecRequest health() {
        return new HecRequest(Kind.HEALTH, null, List.of());
    }

    static HecRequest acks(List<Long> ackIds) {
        return new HecRequest(Kind.ACK, null, List.copyOf(ackIds));
    }

    /** The request body as camel-http sends it, or null for the health GET. */
    Object body(boolean gzip) {
        return switch (kind) {
            // an entity, not bytes with a Content-Encoding header: camel-http would gzip those a second time
            case EVENT -> new ByteArrayEntity(batch.body(gzip), ContentType.APPLICATION_JSON, gzip ? "gzip" : null);
            case HEALTH -> null;
            case ACK -> new ByteArrayEntity(ackIds.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"acks\":[", "]}"))
                    .getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.EVENT ? "HEC event POST of " + batch.size() + " events" : "HEC " + kind.path + " request";
    }
}
