package io.haloconnector.testkit.hec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The HEC protocol as Splunk documents it: routing, authentication, channels, gzip,
 * envelope validation and the answers with their codes. A request is accepted or refused whole.
 */
final class HecProtocol {

    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    // exact decimals, so a client's time precision is visible in received() as sent
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final HecReceiverConfig config;
    private final HecFaults faults;
    private final EnvelopeStore store;
    private final HecReceiver.Counters counters;
    private final EnvelopeScan scan;

    HecProtocol(HecReceiverConfig config, HecFaults faults, EnvelopeStore store, HecReceiver.Counters counters) {
        this.config = config;
        this.faults = faults;
        this.store = store;
        this.counters = counters;
        this.scan = new EnvelopeScan(config.allowedIndexes());
    }

    ReceiverAnswer handle(ReceivedRequest request) throws InterruptedException {
        String path = request.path().endsWith("/") && request.path().length() > 1
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        boolean events = path.equals("/services/collector/event") || path.equals("/services/collector")
                || path.equals("/services/collector/event/1.0");
        boolean ack = path.equals("/services/collector/ack");
        boolean health = path.equals("/services/collector/health") || path.equals("/services/collector/health/1.0");
        if (!events && !ack && !health) {
            return ReceiverAnswer.hec(404, 404, "The requested URL was not found on this server.");
        }
        if (health) {
            if (!request.method().equals("GET")) {
                return ReceiverAnswer.json(405, null, "{\"text\":\"Method Not Allowed\"}");
            }
            return faults.unhealthy() ? ReceiverAnswer.hec(503, 18, "HEC is unhealthy, queues are full")
                    : ReceiverAnswer.hec(200, 17, "HEC is healthy");
        }
        if (!request.method().equals("POST")) {
            return ReceiverAnswer.json(405, null, "{\"text\":\"Method Not Allowed\"}");
        }
        if (events) {
            ReceiverAnswer fault = applyFault(faults.nextFault());
            if (fault != null) {
                return fault;
            }
        }
        ReceiverAnswer refused = authenticate(request);
        if (refused != null) {
            return refused;
        }
        if (faults.unhealthy()) {
            return ReceiverAnswer.hec(503, 9, "Server is busy");
        }
        if (ack) {
            return handleAck(request);
        }
        ReceiverAnswer answer = handleEvents(request);
        if (!config.answerDelay().isZero()) {
            Thread.sleep(config.answerDelay().toMillis()); // a remote Splunk: the answer comes a round trip later
        }
        return answer;
    }

    private ReceiverAnswer applyFault(HecFaults.Fault fault) throws InterruptedException {
        if (fault == null) {
            return null;
        }
        return switch (fault.kind()) {
            case BUSY -> ReceiverAnswer.hec(503, 9, "Server is busy");
            case INTERNAL_ERROR -> ReceiverAnswer.hec(500, 8, "Internal server error");
            case TOO_MANY_REQUESTS -> ReceiverAnswer.plain(429, "text/plain", "Too Many Requests",
                    fault.duration().isZero() ? Map.of() : Map.of("Retry-After", String.valueOf(fault.duration().toSeconds())));
            case BAD_GATEWAY -> ReceiverAnswer.plain(502, "text/html",
                    "<html><body><h1>502 Bad Gateway</h1></body></html>", Map.of());
            case RESET -> ReceiverAnswer.RESET;
            case SLOW -> {
                Thread.sleep(fault.duration().toMillis()); // simulates a stalled server: the answer itself is late
                yield null;
            }
            case STALLED -> ReceiverAnswer.hec(503, 9, "Server is busy")
                    .paced(new ReceiverAnswer.Pace(HecFaults.STALLED_AFTER_BYTES, Duration.ZERO));
            case TRICKLED -> ReceiverAnswer.hec(503, 9, "Server is busy").paced(new ReceiverAnswer.Pace(-1, fault.duration()));
            case HANG -> ReceiverAnswer.NONE;
        };
    }

    private ReceiverAnswer authenticate(ReceivedRequest request) {
        if (request.query().containsKey("token")) {
            return ReceiverAnswer.hec(400, 16, "Query string authorization is not enabled");
        }
        String authorization = request.header("authorization");
        if (authorization == null) {
            return ReceiverAnswer.hec(401, 2, "Token is required");
        }
        if (!authorization.startsWith("Splunk ") || authorization.length() == 7
                || authorization.substring(7).chars().anyMatch(Character::isWhitespace)) {
            return ReceiverAnswer.hec(401, 3, "Invalid authorization");
        }
        if (!authorization.substring(7).equals(faults.token())) {
            return ReceiverAnswer.hec(403, 4, "Invalid token");
        }
        if (faults.tokenDisabled()) {
            return ReceiverAnswer.hec(403, 1, "Token disabled");
        }
        return null;
    }

    /** The channel of a request: header first, then the {@code channel} query parameter. */
    private static String channel(ReceivedRequest request) {
        String channel = request.header("x-splunk-request-channel");
        return channel != null ? channel : request.query().get("channel");
    }

    private static ReceiverAnswer checkChannel(String channel) {
        if (channel == null || channel.isEmpty()) {
            return ReceiverAnswer.hec(400, 10, "Data channel is missing");
        }
        if (!GUID.matcher(channel).matches()) {
            return ReceiverAnswer.hec(400, 11, "Invalid data channel");
        }
        return null;
    }

    private ReceiverAnswer handleAck(ReceivedRequest request) {
        if (!config.ackEnabled()) {
            return ReceiverAnswer.hec(400, 14, "ACK is disabled");
        }
        String channel = channel(request);
        ReceiverAnswer refused = checkChannel(channel);
        if (refused != null) {
            return refused;
        }
        JsonNode ids;
        try {
            ids = MAPPER.readTree(request.body()).get("acks");
        } catch (IOException | RuntimeException e) {
            ids = null;
        }
        if (ids == null || !ids.isArray()) {
            return ReceiverAnswer.hec(400, 6, "Invalid data format");
        }
        StringBuilder answer = new StringBuilder("{\"acks\":{");
        for (Iterator<JsonNode> it = ids.elements(); it.hasNext(); ) {
            JsonNode id = it.next();
            if (!id.canConvertToLong()) {
                return ReceiverAnswer.hec(400, 6, "Invalid data format");
            }
            answer.append('"').append(id.asLong()).append("\":").append(store.ack(channel, id.asLong(), faults.ackDelay()));
            answer.append(it.hasNext() ? "," : "");
        }
        return ReceiverAnswer.json(200, null, answer.append("}}").toString());
    }

    private ReceiverAnswer handleEvents(ReceivedRequest request) {
        String channel = null;
        if (config.ackEnabled()) {
            channel = channel(request);
            ReceiverAnswer refused = checkChannel(channel);
            if (refused != null) {
                return refused;
            }
        }
        String encoding = request.header("content-encoding");
        boolean gzip = encoding != null && encoding.equalsIgnoreCase("gzip");
        byte[] body = request.body();
        if (gzip) {
            counters.gzipRequest();
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxContentLength() + 1));
            } catch (IOException e) {
                return ReceiverAnswer.hec(400, 6, "Invalid data format");
            }
            if (body.length > config.maxContentLength()) {
                return ReceiverAnswer.json(413, null, "{\"text\":\"Content too large (maximum is " + config.maxContentLength() + ")\"}");
            }
        } else if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return ReceiverAnswer.hec(400, 6, "Invalid data format");
        }
        counters.decoded(body.length);
        if (isBlank(body)) {
            return ReceiverAnswer.hec(400, 5, "No data");
        }
        // nothing kept: checked token by token, no tree per event (the benchmark's receiver)
        if (!config.retainEnvelopes() && !faults.refusesEvents()) {
            EnvelopeScan.Outcome scanned = scan.scan(body);
            if (scanned.refused() != null) {
                return scanned.refused();
            }
            return success(store.accept(scanned.envelopes(), channel));
        }
        List<JsonNode> envelopes = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(body)) {
            JsonToken token;
            while (true) {
                try {
                    token = parser.nextToken();
                    if (token == null) {
                        break;
                    }
                    if (token != JsonToken.START_OBJECT) {
                        return ReceiverAnswer.badEvent(6, "Invalid data format", envelopes.size());
                    }
                    JsonNode envelope = MAPPER.readTree(parser);
                    ReceiverAnswer refused = validate(envelope, envelopes.size());
                    if (refused != null) {
                        return refused;
                    }
                    envelopes.add(envelope);
                } catch (IOException e) {
                    return ReceiverAnswer.badEvent(6, "Invalid data format", envelopes.size());
                }
            }
        } catch (IOException e) {
            return ReceiverAnswer.badEvent(6, "Invalid data format", envelopes.size());
        }
        long ackId = store.accept(envelopes, channel,
                new HecReceiver.AcceptedRequest(envelopes.size(), request.body().length, body.length, gzip, Instant.now()));
        return success(ackId);
    }

    private static ReceiverAnswer success(long ackId) {
        return ackId < 0 ? ReceiverAnswer.hec(200, 0, "Success")
                : ReceiverAnswer.json(200, 0, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + ackId + "}");
    }

    private ReceiverAnswer validate(JsonNode envelope, int number) {
        if (!envelope.has("event")) {
            return ReceiverAnswer.badEvent(12, "Event field is required", number);
        }
        JsonNode event = envelope.get("event");
        if (event.isNull() || (event.isTextual() && event.asText().isBlank())) {
            return ReceiverAnswer.badEvent(13, "Event field cannot be blank", number);
        }
        if (faults.poison().test(event)) {
            return ReceiverAnswer.badEvent(faults.poisonCode(), switch (faults.poisonCode()) {
                case 12 -> "Event field is required";
                case 13 -> "Event field cannot be blank";
                case 15 -> "Error in handling indexed fields";
                default -> "Invalid data format";
            }, number);
        }
        JsonNode time = envelope.get("time");
        if (time != null && !time.isNumber()) {
            return ReceiverAnswer.badEvent(6, "Invalid data format", number);
        }
        for (String name : List.of("host", "source", "sourcetype", "index")) {
            JsonNode value = envelope.get(name);
            if (value != null && !value.isTextual()) {
                return ReceiverAnswer.badEvent(6, "Invalid data format", number);
            }
        }
        JsonNode fields = envelope.get("fields");
        if (fields != null && !isFlat(fields)) {
            return ReceiverAnswer.badEvent(15, "Error in handling indexed fields", number);
        }
        JsonNode index = envelope.get("index");
        if (index != null && !config.allowedIndexes().isEmpty() && !config.allowedIndexes().contains(index.asText())) {
            return ReceiverAnswer.badEvent(7, "Incorrect index", number);
        }
        return null;
    }

    /** Indexed fields: an object whose values are scalars or arrays of scalars. */
    private static boolean isFlat(JsonNode fields) {
        if (!fields.isObject()) {
            return false;
        }
        for (Iterator<JsonNode> it = fields.elements(); it.hasNext(); ) {
            JsonNode value = it.next();
            if (value.isObject()) {
                return false;
            }
            if (value.isArray()) {
                for (JsonNode item : value) {
                    if (item.isContainerNode()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
