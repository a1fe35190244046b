package io.haloconnector.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionTest {

    private HaloSimulator simulator;
    private HaloTestClient client;
    private String token;

    @BeforeEach
    void start() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        client = new HaloTestClient(simulator);
        token = client.token();
        Instant now = Instant.now();
        simulator.events().generate(7, now.minus(Duration.ofHours(1)), now, 300);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void statusFaultsHitTheNextRequestsInOrderThenNormalService() throws Exception {
        simulator.faults().enqueue(Fault.status(503), Fault.status(500), Fault.status(403));

        assertThat(client.events(token, "").statusCode()).isEqualTo(503);
        HttpResponse<String> second = client.events(token, "");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(HaloTestClient.json(second.body()).has("error")).isTrue();
        assertThat(client.events(token, "").statusCode()).isEqualTo(403);
        assertThat(client.events(token, "").statusCode()).isEqualTo(200);
        assertThat(simulator.stats().statusCounts()).containsEntry(503, 1L).containsEntry(500, 1L);
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() throws Exception {
        simulator.faults().enqueue(Fault.tooManyRequests(7));

        HttpResponse<String> response = client.events(token, "");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void truncatedBodyIsHalfAPageOfInvalidJson() throws Exception {
        String full = client.events(token, "per_page=100").body();
        simulator.faults().enqueue(Fault.truncatedBody());

        HttpResponse<String> truncated = client.events(token, "per_page=100");

        assertThat(truncated.statusCode()).isEqualTo(200);
        assertThat(full).startsWith(truncated.body());
        assertThat(truncated.body().length()).isLessThan(full.length() * 3 / 4);
        assertThatThrownBy(() -> HaloTestClient.json(truncated.body())).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void connectionResetGivesNoHttpAnswer() throws Exception {
        simulator.faults().enqueue(Fault.connectionReset());

        // a raw socket: java.net.http silently retries a GET whose connection closed
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), simulator.baseUrl().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readAllBytes()).isEmpty();
        }
        assertThat(client.events(token, "").statusCode()).isEqualTo(200);
        assertThat(simulator.stats().eventsRequests()).isEqualTo(2);
    }

    @Test
    void stalledBodySendsTheHeadersAndFortyBytesThenNothing() throws Exception {
        simulator.faults().enqueue(Fault.stalledBody());

        try (Socket socket = rawEventsRequest()) {
            String head = readHead(socket.getInputStream());
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(length).isGreaterThan(Fault.STALLED_AFTER_BYTES);
            assertThat(new String(socket.getInputStream().readNBytes(Fault.STALLED_AFTER_BYTES), StandardCharsets.UTF_8))
                    .startsWith("{\"count\":");
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void trickledBodySendsTheRealAnswerOneByteAtATime() throws Exception {
        simulator.faults().enqueueForToken(Fault.trickledBody(Duration.ofMillis(100)));

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), simulator.baseUrl().getPort())) {
            socket.setSoTimeout(5_000);
            String form = "grant_type=client_credentials";
            socket.getOutputStream().write(("POST /oauth/access_token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                    + java.util.Base64.getEncoder().encodeToString((simulator.apiKey() + ":" + simulator.apiSecret())
                    .getBytes(StandardCharsets.UTF_8)) + "\r\nContent-Length: " + form.length() + "\r\n\r\n" + form)
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            long started = System.nanoTime();
            byte[] first = socket.getInputStream().readNBytes(6);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("{\"acce");
        }
    }

    @Test
    void hangNeverAnswers() throws Exception {
        simulator.faults().enqueue(Fault.hang());

        try (Socket socket = rawEventsRequest()) {
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(client.events(token, "").statusCode()).as("the next request is answered").isEqualTo(200);
    }

    private Socket rawEventsRequest() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), simulator.baseUrl().getPort());
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET /v1/events?per_page=10 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
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
    void delayAnswersNormallyAfterTheExtraLatency() throws Exception {
        simulator.faults().enqueue(Fault.delay(Duration.ofMillis(400)));

        long started = System.nanoTime();
        HttpResponse<String> response = client.events(token, "");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void tokenFaultsHitTheTokenEndpointOnly() throws Exception {
        simulator.faults().enqueueForToken(Fault.status(502), Fault.connectionReset(), Fault.truncatedBody());

        assertThat(client.events(token, "").statusCode()).isEqualTo(200);
        assertThat(client.requestToken("demo-key", "demo-secret").statusCode()).isEqualTo(502);
        assertThatThrownBy(() -> client.requestToken("demo-key", "demo-secret")).isInstanceOf(IOException.class);
        assertThat(client.requestToken("demo-key", "demo-secret").body()).doesNotEndWith("}");
        assertThat(client.requestToken("demo-key", "demo-secret").statusCode()).isEqualTo(200);
    }

    @Test
    void clearDropsQueuedFaults() throws Exception {
        simulator.faults().enqueue(Fault.status(500));
        simulator.faults().enqueueForToken(Fault.status(500));

        simulator.faults().clear();

        assertThat(client.events(client.token(), "").statusCode()).isEqualTo(200);
    }

    @Test
    void configuredLatencyDelaysEveryEventsAnswer() throws Exception {
        try (HaloSimulator slow = HaloSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(300)).build())) {
            HaloTestClient slowClient = new HaloTestClient(slow);
            String slowToken = slowClient.token();

            long started = System.nanoTime();
            assertThat(slowClient.events(slowToken, "").statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void rateLimitAnswers429WithRetryAfterOneSecond() throws Exception {
        try (HaloSimulator limited = HaloSimulator.start(SimulatorConfig.builder().rateLimitPerSecond(5).build())) {
            HaloTestClient limitedClient = new HaloTestClient(limited);
            String limitedToken = limitedClient.token();

            HttpResponse<String> refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                HttpResponse<String> response = limitedClient.events(limitedToken, "");
                if (response.statusCode() == 429) {
                    refused = response;
                }
            }

            assertThat(refused).isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(limited.stats().statusCounts().get(200)).isBetween(5L, 10L);
        }
    }
}
