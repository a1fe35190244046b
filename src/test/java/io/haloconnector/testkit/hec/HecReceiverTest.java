package io.haloconnector.testkit.hec;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The receiver refuses exactly what Splunk documents HEC as refusing, with the same codes, and stores nothing of a refused request. */
class HecReceiverTest {

    private static final String TOKEN = "11111111-aaaa-bbbb-cccc-222222222222";
    private static final String CHANNEL = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HecReceiver receiver;

    private HecReceiver start(HecReceiverConfig.Builder config) throws IOException {
        receiver = HecReceiver.start(config.token(TOKEN).build());
        return receiver;
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private record Answer(int status, JsonNode json, HttpResponse<String> response) {
        int code() {
            return json.path("code").asInt(-1);
        }
    }

    private Answer post(String pathAndQuery, String body, String... headers) throws Exception {
        return send(pathAndQuery, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private Answer send(String pathAndQuery, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(receiver.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer get(String path) throws Exception {
        return answer(http.send(HttpRequest.newBuilder(URI.create(receiver.baseUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = HaloJson.MAPPER.readTree(response.body());
        } catch (Exception e) {
            json = HaloJson.MAPPER.createObjectNode();
        }
        return new Answer(response.statusCode(), json, response);
    }

    private static String[] auth() {
        return new String[] {"Authorization", "Splunk " + TOKEN};
    }

    private static String[] authAndChannel() {
        return new String[] {"Authorization", "Splunk " + TOKEN, "X-Splunk-Request-Channel", CHANNEL};
    }

    @Test
    void acceptsConcatenatedEnvelopesOnEveryEventEndpoint() throws Exception {
        start(HecReceiverConfig.builder());
        for (String path : new String[] {"/services/collector/event", "/services/collector", "/services/collector/event/1.0"}) {
            Answer answer = post(path, "{\"event\":{\"a\":1}}{\"event\":\"b\",\"time\":1516222956.771}\n {\"event\":3}", auth());
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().toString()).isEqualTo("{\"text\":\"Success\",\"code\":0}");
        }
        assertThat(receiver.received()).hasSize(9);
        assertThat(receiver.received().get(1).get("time").decimalValue()).hasToString("1516222956.771");
        assertThat(receiver.acceptedRequests()).extracting(HecReceiver.AcceptedRequest::events).containsExactly(3, 3, 3);
    }

    @Test
    void decodesGzipBodies() throws Exception {
        start(HecReceiverConfig.builder());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("{\"event\":\"zipped\"}{\"event\":\"too\"}".getBytes(StandardCharsets.UTF_8));
        }
        Answer answer = send("/services/collector/event", gz.toByteArray(), "Authorization", "Splunk " + TOKEN,
                "Content-Encoding", "gzip");
        assertThat(answer.code()).isZero();
        assertThat(receiver.received()).extracting(e -> e.get("event").asText()).containsExactly("zipped", "too");
        assertThat(receiver.stats().gzipRequests()).isEqualTo(1);

        Answer notGzip = send("/services/collector/event", "{\"event\":1}".getBytes(StandardCharsets.UTF_8),
                "Authorization", "Splunk " + TOKEN, "Content-Encoding", "gzip");
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.code()).isEqualTo(6);
    }

    @Test
    void missingAuthorizationIsCode2() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1}");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo(2);
        assertThat(answer.json().get("text").asText()).isEqualTo("Token is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer " + TOKEN, "splunk " + TOKEN, "Splunk  " + TOKEN, "Splunk", "Splunk" + TOKEN, "Basic abc"})
    void malformedAuthorizationIsCode3(String header) throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1}", "Authorization", header);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo(3);
    }

    @Test
    void wrongTokenIsCode4UntilTheReceiverAcceptsIt() throws Exception {
        start(HecReceiverConfig.builder());
        Answer wrong = post("/services/collector/event", "{\"event\":1}", "Authorization", "Splunk other-token");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo(4);

        receiver.faults().setToken("other-token");
        assertThat(post("/services/collector/event", "{\"event\":1}", "Authorization", "Splunk other-token").code()).isZero();
        assertThat(post("/services/collector/event", "{\"event\":1}", auth()).code()).isEqualTo(4);
    }

    @Test
    void disabledTokenIsCode1() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().setTokenDisabled(true);
        Answer answer = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.code()).isEqualTo(1);
    }

    @Test
    void tokenInTheQueryStringIsCode16() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event?token=" + TOKEN, "{\"event\":1}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(16);
        assertThat(receiver.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n "})
    void emptyBodyIsCode5(String body) throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", body, auth());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(5);
    }

    @Test
    void unparsableBodyIsCode6WithTheEventNumberAndStoresNothing() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1}{\"event\":2}{\"event\":", auth());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(6);
        assertThat(answer.json().get("invalid-event-number").asInt()).isEqualTo(2);
        assertThat(receiver.received()).isEmpty();
        assertThat(post("/services/collector/event", "[{\"event\":1}]", auth()).code()).isEqualTo(6);
    }

    @Test
    void nonNumericTimeIsCode6() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1}{\"event\":2,\"time\":\"1516222956.771\"}", auth());
        assertThat(answer.code()).isEqualTo(6);
        assertThat(answer.json().get("invalid-event-number").asInt()).isEqualTo(1);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void envelopeWithoutEventIsCode12() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1}{\"host\":\"h\"}", auth());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(12);
        assertThat(answer.json().get("invalid-event-number").asInt()).isEqualTo(1);
        assertThat(receiver.received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \"", "null"})
    void blankEventIsCode13(String event) throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":" + event + "}", auth());
        assertThat(answer.code()).isEqualTo(13);
        assertThat(answer.json().get("invalid-event-number").asInt()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":{\"b\":1}}", "{\"a\":[[1]]}", "{\"a\":[{\"b\":1}]}", "[1]", "\"x\""})
    void nestedFieldsAreCode15(String fields) throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/event", "{\"event\":1,\"fields\":{\"ok\":[1,\"two\"]}}{\"event\":2,\"fields\":" + fields + "}", auth());
        assertThat(answer.code()).isEqualTo(15);
        assertThat(answer.json().get("invalid-event-number").asInt()).isEqualTo(1);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void indexOutsideTheAllowedSetIsCode7() throws Exception {
        start(HecReceiverConfig.builder().allowedIndexes(Set.of("cloudpassage")));
        assertThat(post("/services/collector/event", "{\"event\":1,\"index\":\"cloudpassage\"}", auth()).code()).isZero();
        Answer answer = post("/services/collector/event", "{\"event\":1,\"index\":\"main\"}", auth());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(7);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void withAckOnAChannelIsRequiredAndMustBeAGuid() throws Exception {
        start(HecReceiverConfig.builder().ackEnabled(true));
        Answer missing = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo(10);
        Answer invalid = post("/services/collector/event", "{\"event\":1}", "Authorization", "Splunk " + TOKEN,
                "X-Splunk-Request-Channel", "not-a-guid");
        assertThat(invalid.code()).isEqualTo(11);
        assertThat(post("/services/collector/event?channel=" + CHANNEL, "{\"event\":1}", auth()).code()).isZero();
    }

    @Test
    void acksArePerChannelAndMarkEnvelopesAckedOnlyWhenPolledTrue() throws Exception {
        start(HecReceiverConfig.builder().ackEnabled(true));
        Answer first = post("/services/collector/event", "{\"event\":\"a\"}", authAndChannel());
        Answer second = post("/services/collector/event", "{\"event\":\"b\"}{\"event\":\"c\"}", authAndChannel());
        assertThat(first.json().toString()).isEqualTo("{\"text\":\"Success\",\"code\":0,\"ackId\":0}");
        assertThat(second.json().get("ackId").asLong()).isEqualTo(1);
        assertThat(receiver.received()).isEmpty();
        assertThat(receiver.receivedUnacked()).hasSize(3);

        Answer acks = post("/services/collector/ack", "{\"acks\":[1,7]}", authAndChannel());
        assertThat(acks.json().toString()).isEqualTo("{\"acks\":{\"1\":true,\"7\":false}}");
        assertThat(receiver.received()).extracting(e -> e.get("event").asText()).containsExactly("b", "c");

        Answer otherChannel = post("/services/collector/ack", "{\"acks\":[0]}", "Authorization", "Splunk " + TOKEN,
                "X-Splunk-Request-Channel", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        assertThat(otherChannel.json().path("acks").path("0").asBoolean()).isFalse();
        assertThat(post("/services/collector/ack", "{\"acks\":[0]}", auth()).code()).isEqualTo(10);
    }

    @Test
    void delayedAcksAnswerFalseUntilTheDelayHasPassed() throws Exception {
        start(HecReceiverConfig.builder().ackEnabled(true));
        receiver.faults().delayAcks(Duration.ofDays(1));
        post("/services/collector/event", "{\"event\":\"a\"}", authAndChannel());
        assertThat(post("/services/collector/ack", "{\"acks\":[0]}", authAndChannel()).json().path("acks").path("0").asBoolean()).isFalse();
        receiver.faults().delayAcks(Duration.ZERO);
        assertThat(post("/services/collector/ack", "{\"acks\":[0]}", authAndChannel()).json().path("acks").path("0").asBoolean()).isTrue();
        assertThat(receiver.stats().eventsAcked()).isEqualTo(1);
    }

    @Test
    void ackEndpointWithAckOffIsCode14() throws Exception {
        start(HecReceiverConfig.builder());
        Answer answer = post("/services/collector/ack", "{\"acks\":[0]}", authAndChannel());
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo(14);
    }

    @Test
    void healthSays17Or18AndUnhealthyRefusesPostsWithCode9() throws Exception {
        start(HecReceiverConfig.builder());
        Answer healthy = get("/services/collector/health");
        assertThat(healthy.status()).isEqualTo(200);
        assertThat(healthy.code()).isEqualTo(17);

        receiver.faults().setUnhealthy(true);
        Answer unhealthy = get("/services/collector/health");
        assertThat(unhealthy.status()).isEqualTo(503);
        assertThat(unhealthy.code()).isEqualTo(18);
        Answer busy = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.code()).isEqualTo(9);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void unknownPathIs404() throws Exception {
        start(HecReceiverConfig.builder());
        assertThat(post("/services/collector/raw2", "x", auth()).status()).isEqualTo(404);
    }

    @Test
    void bodyOverMaxContentLengthIs413() throws Exception {
        start(HecReceiverConfig.builder().maxContentLength(100));
        Answer answer = post("/services/collector/event", "{\"event\":\"" + "x".repeat(200) + "\"}", auth());
        assertThat(answer.status()).isEqualTo(413);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void enqueuedFaultsAnswerTheNextPostsInOrder() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().busy(1).internalError(1).tooManyRequests(1, Duration.ofSeconds(3)).badGateway(1).reset(1);
        Answer busy = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.code()).isEqualTo(9);
        Answer internal = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(internal.status()).isEqualTo(500);
        assertThat(internal.code()).isEqualTo(8);
        Answer tooMany = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(tooMany.status()).isEqualTo(429);
        assertThat(tooMany.response().headers().firstValue("Retry-After")).contains("3");
        Answer gateway = post("/services/collector/event", "{\"event\":1}", auth());
        assertThat(gateway.status()).isEqualTo(502);
        assertThat(gateway.response().body()).contains("Bad Gateway");
        assertThatThrownBy(() -> post("/services/collector/event", "{\"event\":1}", auth())).isInstanceOf(IOException.class);
        assertThat(receiver.received()).isEmpty();
        assertThat(post("/services/collector/event", "{\"event\":1}", auth()).code()).isZero();
        assertThat(receiver.stats().answersByStatus()).containsEntry(0, 1L).containsEntry(503, 1L).containsEntry(200, 1L);
    }

    @Test
    void aStalledAnswerSendsItsHeadAndTenBytesThenNothingAndTakesNoEvent() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().stalledAnswer();

        try (Socket socket = rawPost("{\"event\":1}")) {
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 503").contains("Content-Length: 34");
            assertThat(new String(socket.getInputStream().readNBytes(10), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"S");
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(receiver.received()).isEmpty();
        assertThat(post("/services/collector/event", "{\"event\":2}", auth()).code()).isZero();
    }

    @Test
    void aTrickledAnswerComesOneBytePerIntervalAndTakesNoEvent() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().trickledAnswer(Duration.ofMillis(100));

        try (Socket socket = rawPost("{\"event\":1}")) {
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 503");
            long began = System.nanoTime();
            byte[] first = socket.getInputStream().readNBytes(5);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("{\"tex");
        }
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aHangNeverAnswersAndTakesNoEvent() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().hang();

        try (Socket socket = rawPost("{\"event\":1}")) {
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(receiver.received()).isEmpty();
        assertThat(post("/services/collector/event", "{\"event\":2}", auth()).code()).isZero();
    }

    /** An event POST on a socket of its own, to read the answer as it comes. */
    private Socket rawPost(String body) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), receiver.baseUrl().getPort());
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("POST /services/collector/event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Splunk "
                + TOKEN + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void outageResetsConnectionsUntilItEnds() throws Exception {
        start(HecReceiverConfig.builder());
        assertThat(post("/services/collector/event", "{\"event\":1}", auth()).code()).isZero();
        receiver.faults().setOutage(true);
        assertThatThrownBy(() -> post("/services/collector/event", "{\"event\":2}", auth())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get("/services/collector/health")).isInstanceOf(IOException.class);
        receiver.faults().setOutage(false);
        assertThat(post("/services/collector/event", "{\"event\":3}", auth()).code()).isZero();
        assertThat(receiver.received()).extracting(e -> e.get("event").asInt()).containsExactly(1, 3);
    }

    @Test
    void refusedEventsAreAnsweredWithTheirNumber() throws Exception {
        start(HecReceiverConfig.builder());
        receiver.faults().refuseEvents(event -> event.path("bad").asBoolean(), 6);
        Answer answer = post("/services/collector/event", "{\"event\":{}}{\"event\":{}}{\"event\":{\"bad\":true}}", auth());
        assertThat(answer.code()).isEqualTo(6);
        assertThat(answer.json().get("invalid-event-number").asInt()).isEqualTo(2);
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void anAnswerDelayHoldsEachEventPostButNotItsNeighboursOrTheHealthCheck() throws Exception {
        Duration delay = Duration.ofMillis(600);
        start(HecReceiverConfig.builder().answerDelay(delay));
        long started = System.nanoTime();
        assertThat(post("/services/collector/event", "{\"event\":1}", auth()).code()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(delay);

        started = System.nanoTime();
        assertThat(get("/services/collector/health").code()).isEqualTo(17);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(delay);

        // two requests in flight wait side by side, as at a remote Splunk, not one after the other
        started = System.nanoTime();
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> postQuietly("{\"event\":2}"));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> postQuietly("{\"event\":3}"));
        assertThat(first.get().code() + second.get().code()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(delay.multipliedBy(2));
        assertThat(receiver.received()).extracting(e -> e.get("event").asInt()).containsExactlyInAnyOrder(1, 2, 3);
    }

    private Answer postQuietly(String body) {
        try {
            return post("/services/collector/event", body, auth());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReceiverThatKeepsNoEnvelopesAnswersEveryBodyAsOneThatKeepsThem() throws Exception {
        String[] bodies = {
            "{\"event\":{\"a\":[1,{\"b\":2}]},\"time\":1516222956.771,\"host\":\"h\",\"fields\":{\"f\":[1,\"x\"]}}{\"event\":\"b\"}",
            "{\"event\":1}{\"time\":1}",
            "{\"event\":1}{\"event\":null}",
            "{\"event\":1}{\"event\":\"  \"}",
            "{\"event\":\"a\",\"time\":\"soon\"}",
            "{\"event\":\"a\",\"time\":null}",
            "{\"event\":\"a\",\"source\":5}",
            "{\"event\":\"a\",\"index\":{\"x\":1}}",
            "{\"event\":\"a\",\"fields\":{\"f\":{\"g\":1}}}",
            "{\"event\":\"a\",\"fields\":{\"f\":[[1]]}}",
            "{\"event\":\"a\",\"fields\":[1]}",
            "{\"event\":\"a\",\"index\":\"other\"}",
            "{\"event\":\"a\",\"index\":\"main\"}",
            "{\"event\":\"a\"} 17",
            "{\"event\":\"a\"}{\"event\":",
            "{\"event\":{\"unclosed\":[1,2}}",
        };
        HecReceiver keeping = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).allowedIndexes(Set.of("main")).build());
        try (keeping) {
            start(HecReceiverConfig.builder().allowedIndexes(Set.of("main")).retainEnvelopes(false));
            HecReceiver lean = receiver;
            for (String body : bodies) {
                receiver = keeping;
                Answer expected = post("/services/collector/event", body, auth());
                receiver = lean;
                Answer actual = post("/services/collector/event", body, auth());
                assertThat(actual.status()).as(body).isEqualTo(expected.status());
                assertThat(actual.json()).as(body).isEqualTo(expected.json());
            }
            assertThat(lean.stats().eventsAccepted()).isEqualTo(keeping.stats().eventsAccepted()).isEqualTo(3);
            receiver = lean;
        }
    }
}
