package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and Prometheus metrics over HTTP while events flow from the simulator to the HEC receiver. */
class ObservabilityTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "5b1c7e2a-9d3f-4e8a-b6c1-2d4e6f8a0b1c";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private URI observe;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(observe.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one Prometheus sample line, e.g. {@code halo_events_delivered_total}; -1 when absent. */
    private double sample(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+|NaN)$").matcher(get("/observe/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private RunningConnector start(int events) throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(5)).build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(24));
        simulator.events().generate(51, start, Instant.now().minusSeconds(60), events);
        int port = freePort();
        observe = URI.create("http://127.0.0.1:" + port);
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        props.put("halo.perPage", "100");
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("hec.retry.maxDelay", "200ms");
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        return RunningConnector.start(props);
    }

    @Test
    void aScrapeShowsEachMetricMovingAsEventsFlow() throws Exception {
        try (LogCapture logs = new LogCapture(); RunningConnector connector = start(2000)) {
            // the address the server is bound to, not the 0.0.0.0 of Camel's own summary
            assertThat(logs.text()).contains("Health and metrics at " + observe + "/observe/health and " + observe + "/observe/metrics");
            // camel.management.host is 127.0.0.1 (application.properties): no line may claim another address
            await().atMost(WAIT).until(() -> receiver.received().size() >= 1);
            assertThat(logs.everything()).noneMatch(line -> line.contains("0.0.0.0"));
            await().atMost(WAIT).until(() -> receiver.received().size() >= 2000);
            await().atMost(WAIT).until(() -> sample("halo_events_delivered_total{account=\"default\"}") >= 2000);
            String metrics = get("/observe/metrics").body();
            assertThat(sample("halo_events_fetched_total{account=\"default\"}")).isGreaterThanOrEqualTo(2000);
            assertThat(sample("halo_token_refreshes_total{account=\"default\"}")).isGreaterThanOrEqualTo(1);
            assertThat(sample("hec_batch_events_count")).isPositive();
            assertThat(sample("hec_batch_events_sum")).isEqualTo(2000);
            assertThat(metrics).containsPattern("halo_api_requests_total\\{account=\"default\",endpoint=\"events\",status=\"200\"} [1-9]")
                    .containsPattern("hec_answers_total\\{code=\"0\"} [1-9]")
                    .contains("halo_events_duplicates_total").contains("hec_events_deadlettered_total");
            double lag = sample("halo_cursor_lag_seconds{account=\"default\"}");
            assertThat(lag).isBetween(0.0, 3600.0 * 24);
            // a new event moves the counters again
            simulator.events().generate(52, Instant.now().minusSeconds(30), Instant.now().minusSeconds(1), 25);
            await().atMost(WAIT).until(() -> sample("halo_events_delivered_total{account=\"default\"}") >= 2025);
            assertThat(metrics).doesNotContain(TOKEN);
        }
    }

    @Test
    void readinessTurnsDownWhileHecIsDownAndUpAgainAfter() throws Exception {
        try (RunningConnector connector = start(3000)) {
            await().atMost(WAIT).until(() -> get("/observe/health/ready").statusCode() == 200);
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            receiver.faults().setOutage(true);
            simulator.events().generate(53, Instant.now().minusSeconds(30), Instant.now().minusSeconds(1), 50);
            await().atMost(WAIT).until(() -> get("/observe/health/ready").statusCode() == 503);
            assertThat(get("/observe/health/ready?exposureLevel=full").body()).contains("output: HEC answered");
            assertThat(get("/observe/health/live").statusCode()).as("still live").isEqualTo(200);
            receiver.faults().setOutage(false);
            await().atMost(WAIT).until(() -> get("/observe/health/ready").statusCode() == 200);
            await().atMost(WAIT).until(() -> receiver.received().size() >= 3050);
        }
    }

    @Test
    void theReadinessReasonIsAPlainJsonString() throws Exception {
        int port = freePort();
        observe = URI.create("http://127.0.0.1:" + port);
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Map<String, String> props = RunningConnector.properties(simulator, work);
        int closed = freePort();
        props.put("halo.api.url", "http://127.0.0.1:" + closed);
        props.put("halo.retry.maxAttempts", "1");
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> get("/observe/health/ready?exposureLevel=full").body().contains("last poll: Halo at"));
            String body = get("/observe/health/ready?exposureLevel=full").body();
            JsonNode check = findCheck(HaloJson.MAPPER.readTree(body), "halo-account-default");
            assertThat(check.path("message").asText()).as("the reason, as a JSON parser reads it")
                    .startsWith("last poll: Halo at 127.0.0.1:" + closed).contains("http://127.0.0.1:" + closed);
            assertThat(body).as("no slash escaped").doesNotContain("\\/");
        }
    }

    /** The check of this id in Camel's health body, wherever the body nests it. */
    private static JsonNode findCheck(JsonNode node, String id) {
        if (id.equals(node.path("name").asText()) || id.equals(node.path("id").asText())) {
            return node;
        }
        for (JsonNode child : node) {
            JsonNode found = findCheck(child, id);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
