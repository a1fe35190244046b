package io.haloconnector.hec;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The three HEC calls (event POST, health GET, ack POST), each one exchange sent to the HEC
 * request route, whose camel-http endpoint does the HTTP (URL, TLS, timeouts are set there). One
 * request each, no retries here: {@link HecBatchSender} decides. The token goes only into the
 * Authorization header, which the route removes with the answer.
 */
final class HecClient {
    /** Exchange property the request route appends to {@code hec.url/services/collector/}. */
    static final String PATH = "hecPath";

    private final HecSettings settings;
    private final String channel;
    private final StopSignal stop;
    private final ProducerTemplate template;
    private final Endpoint requests;

    HecClient(HecSettings settings, UUID channel, StopSignal stop, ProducerTemplate template, Endpoint requests) {
        this.settings = settings;
        this.channel = channel.toString();
        this.stop = stop;
        this.template = template;
        this.requests = requests;
    }

    HecAnswer postEvents(HecBatch batch) throws InterruptedException, HecSinkClosedException {
        // an entity, not bytes with a Content-Encoding header: camel-http would gzip those a second time
        ByteArrayEntity body = new ByteArrayEntity(batch.body(settings.gzip()), ContentType.APPLICATION_JSON,
                settings.gzip() ? "gzip" : null);
        return send("event", "POST", body);
    }

    HecAnswer health() throws InterruptedException, HecSinkClosedException {
        return send("health", "GET", null);
    }

    HecAnswer ack(Collection<Long> ackIds) throws InterruptedException, HecSinkClosedException {
        String body = ackIds.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"acks\":[", "]}"));
        return send("ack", "POST", new ByteArrayEntity(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ContentType.APPLICATION_JSON));
    }

    private HecAnswer send(String path, String method, Object body) throws InterruptedException, HecSinkClosedException {
        Exchange request = requests.createExchange();
        request.setProperty(PATH, path);
        request.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        request.getMessage().setHeader("Authorization", "Splunk " + settings.token());
        if (settings.ack()) {
            request.getMessage().setHeader("X-Splunk-Request-Channel", channel);
        }
        request.getMessage().setBody(body);
        Exchange answer;
        try {
            answer = stop.await(template.asyncSend(requests, request));
        } catch (ExecutionException e) {
            return HecAnswer.failed(e.getCause() instanceof Exception cause ? cause : e);
        }
        if (answer.getException() != null) {
            return HecAnswer.failed(answer.getException());
        }
        int status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        byte[] bytes = answer.getMessage().getBody(byte[].class);
        return HecAnswer.of(status, bytes == null ? new byte[0] : bytes,
                Optional.ofNullable(answer.getMessage().getHeader("Retry-After", String.class)));
    }
}
