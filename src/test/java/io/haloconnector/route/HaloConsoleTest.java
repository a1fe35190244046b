package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code halo} developer console over HTTP on the management server, as text and as JSON, while
 * the connector polls the simulator into the HEC receiver: its figures are the run's (the
 * checkpoint's cursor, the dead-letter files' events, pages held by a slow HEC, a failed poll) and
 * it shows no secret; Camel's own consoles are not served beside it.
 */
class HaloConsoleTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "7c2e9a41-5b3d-4f6e-8a1c-9d0b2e4f6a8c";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private URI management;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void showsTheAccountsFiguresAsTextAndJsonWithoutASecret() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(5)).build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        simulator.events().generate(61, start, Instant.now().minusSeconds(60), 600);
        Instant newest = simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                .max(Instant::compareTo).orElseThrow();
        // one event Halo sends without an id (a Halo dead letter), one HEC refuses as malformed (a HEC one)
        simulator.events().addRaw(start.plusSeconds(60), "0",
                ("{\"type\":\"issue_resolved\",\"created_at\":\"" + start.plusSeconds(60) + "\"}").getBytes(StandardCharsets.UTF_8));
        String refused = simulator.events().all().get(100).get("id").asText();
        receiver.faults().refuseEvents(event -> refused.equals(event.path("id").asText()), 6);

        try (RunningConnector connector = RunningConnector.start(properties(start))) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 599);
            await().atMost(WAIT).until(() -> newest.toString().equals(console().at("/accounts/0/cursor").asText()));
            JsonNode account = console().at("/accounts/0");
            assertThat(account.path("name").asText()).isEqualTo("default");
            assertThat(account.path("cursor").asText()).as("the checkpoint's cursor").isEqualTo(checkpointCursor());
            assertThat(account.path("checkpoint").asText()).isEqualTo(work.resolve("state/checkpoint.json").toString());
            double lag = Duration.between(newest, Instant.now()).toMillis() / 1000.0;
            assertThat(account.path("lagSeconds").asDouble()).isBetween(lag - 5, lag + 5);
            assertThat(account.path("polls").path("completed").asLong()).isPositive();
            assertThat(account.path("polls").path("failed").asLong()).isZero();
            assertThat(account.path("polls").path("lastFailed").asBoolean()).isFalse();
            assertThat(account.path("eventsDelivered").asLong()).isEqualTo(600);
            assertThat(account.path("leadership").path("clustered").asBoolean()).as("no cluster service").isFalse();
            assertThat(account.path("leadership").path("leader").asBoolean()).isTrue();
            assertThat(account.path("lastError").isNull()).isTrue();
            assertThat(account.path("deadLetters").path("halo").asInt()).isEqualTo(1)
                    .isEqualTo(lines(work.resolve("state/halo-dead-letter.jsonl")));
            JsonNode output = console().path("output");
            assertThat(output.path("hecDeadLetters").asInt()).isEqualTo(1).isEqualTo(lines(work.resolve("state/hec-dead-letter.jsonl")));

            String text = get("/q/dev/halo", "text/plain").body();
            assertThat(text).contains("Account default (one node: polls it)")
                    .containsPattern("cursor +" + newest)
                    .containsPattern("dead letters +1 Halo events in " + work.resolve("state/halo-dead-letter.jsonl"))
                    .containsPattern("dead letters +1 events HEC refused in " + work.resolve("state/hec-dead-letter.jsonl"))
                    .containsPattern("last error +none");

            // a slow HEC answer holds pages in flight, and the console says so; they are committed after
            receiver.faults().slow(Duration.ofSeconds(3));
            simulator.events().generate(62, Instant.now().minusSeconds(20), Instant.now().minusSeconds(1), 300);
            await().atMost(WAIT).until(() -> console().at("/accounts/0/pagesInFlight").asInt() >= 1);
            await().atMost(WAIT).until(() -> console().at("/accounts/0/eventsDelivered").asLong() >= 900
                    && console().at("/accounts/0/pagesInFlight").asInt() == 0);

            // a poll that fails: counted, and its reason is the last error, kept after the next poll completes
            // (one may go to a page a finishing poll fetched ahead, which is asked for again, not retried)
            Fault[] errors = new Fault[4];
            java.util.Arrays.fill(errors, Fault.status(500));
            simulator.faults().enqueue(errors);
            await().atMost(WAIT).until(() -> console().at("/accounts/0/polls/failed").asLong() >= 1);
            JsonNode failed = console().at("/accounts/0");
            assertThat(failed.at("/lastError/message").asText()).contains("500");
            assertThat(Instant.parse(failed.at("/lastError/at").asText())).isBefore(Instant.now().plusSeconds(1));
            await().atMost(WAIT).until(() -> !console().at("/accounts/0/polls/lastFailed").asBoolean());
            assertThat(get("/q/dev/halo", "text/plain").body()).containsPattern("last error +\\S+Z .*500");

            String json = get("/q/dev/halo", "application/json").body();
            text = get("/q/dev/halo", "text/plain").body();
            for (String secret : new String[] {simulator.apiSecret(), TOKEN}) {
                assertThat(json).doesNotContain(secret);
                assertThat(text).doesNotContain(secret);
            }
            assertThat(json + text).doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("bearer");
            // README's recipe, on this test's port
            String recipe = Readme.recipe("console").rewrite(Map.of("localhost:9876", "localhost:" + management.getPort())).text();
            Process curl = new ProcessBuilder("sh", "-c", recipe).redirectErrorStream(true).start();
            String shown = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor()).as(shown).isZero();
            assertThat(shown).contains("Halo connector:\n\nAccount default (one node: polls it)\n");
            JsonNode recipeJson = HaloJson.MAPPER.readTree(shown.substring(shown.indexOf("{\"halo\":")));
            assertThat(recipeJson.at("/halo/accounts/0/cursor").asText()).isEqualTo(console().at("/accounts/0/cursor").asText());

            // only the connector's own console: Camel's send console would post to any endpoint, unauthenticated
            assertThat(get("/q/dev/send", "text/plain").body()).startsWith("Developer Console not found");
            assertThat(get("/q/dev", "text/plain").body().strip()).startsWith("halo:").doesNotContain("\nsend");
        }
    }

    private Map<String, String> properties(Instant start) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        management = URI.create("http://127.0.0.1:" + port);
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        props.put("halo.perPage", "100");
        props.put("halo.retry.maxAttempts", "1");
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("hec.retry.maxDelay", "200ms");
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        return props;
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(management.resolve(path)).header("Accept", accept)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The console's JSON, as Camel's handler nests it under the console's id. */
    private JsonNode console() throws Exception {
        HttpResponse<String> answer = get("/q/dev/halo", "application/json");
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        return HaloJson.MAPPER.readTree(answer.body()).path("halo");
    }

    private String checkpointCursor() throws IOException {
        return Instant.parse(HaloJson.MAPPER.readTree(work.resolve("state/checkpoint.json").toFile()).path("cursor").asText()).toString();
    }

    private static int lines(Path file) throws IOException {
        return (int) Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count();
    }
}
