package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.LiveAppender;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event whose created_at is in the future (an agent with a wrong clock), listed by an API that
 * ignores until: it is delivered once with a WARN naming it and a metric, and the cursor stays
 * within the poll window, so the events created meanwhile are delivered too, also after a restart.
 * A checkpoint that already holds a future cursor stops the start with the way to reset it.
 */
class FutureEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z");
    private static final String FUTURE_ID = "f0000000000000000000000000002100";

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        simulator.close();
    }

    private static ObjectNode event(String id, Instant createdAt) {
        ObjectNode event = HaloJson.MAPPER.createObjectNode();
        event.put("id", id);
        event.put("type", "fim_signature_changed");
        event.put("created_at", createdAt.truncatedTo(ChronoUnit.MILLIS).toString());
        return event;
    }

    private Set<String> allIds() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        // a short overlap: a cursor that followed the future event would skip what is created meanwhile
        props.put("halo.poll.overlap", "5s");
        props.put("camel.management.enabled", "false");
        return props;
    }

    private long warningsAbout(String id) {
        return connector.stderr().lines().filter(line -> line.contains("WARN") && line.contains("Event " + id + " claims")).count();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anEventFrom2100IsDeliveredOnceWithAWarnAndAMetricAndPollingGoesOnAcrossARestart() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().ignoreUntil(true).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        simulator.events().generate(21, start, Instant.now().minusSeconds(60), 30);
        simulator.events().add(event(FUTURE_ID, YEAR_2100));
        Map<String, String> props = properties(start);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());

        connector = ConnectorProcess.start(work, props, env, List.of());
        Set<String> first = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(first));
        // events created while the 2100 one sits in every answer
        for (int i = 0; i < 3; i++) {
            simulator.events().add(event(String.format("a%031d", i), Instant.now()));
            long requests = simulator.stats().eventsRequests();
            await().atMost(WAIT).until(() -> simulator.stats().eventsRequests() > requests + 1);
        }
        Set<String> meanwhile = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(meanwhile));
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(connector.terminate(20)).isZero();
        // with halo.poll.lag=0s an event added while a poll runs can also come after that poll's
        // window: the metric counts each event the first run warned about, the 2100 one among them
        long firstRunWarnings = connector.stderr().lines()
                .filter(line -> line.contains("WARN") && line.contains(" claims created_at ")).count();
        JsonNode checkpoint = Reliability.checkpoint(work);

        // a restart goes on polling: a new event is delivered, the 2100 one not again
        simulator.events().add(event("b0000000000000000000000000000000", Instant.now()));
        connector = ConnectorProcess.start(work, props, env, List.of());
        Set<String> all = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(all));
        assertThat(connector.terminate(20)).isZero();

        String warning = connector.stderr().lines().filter(line -> line.contains("Event " + FUTURE_ID + " claims"))
                .findFirst().orElse("none");
        print("event from 2100: cursor %s after it, WARN: %s", checkpoint.get("cursor").asText(), warning);
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), all);
        assertThat(Instant.parse(checkpoint.get("cursor").asText())).as("the cursor stays before now").isBefore(Instant.now());
        assertThat(warning).contains("WARN").contains("created_at " + YEAR_2100);
        assertThat(warningsAbout(FUTURE_ID)).as("one WARN, though every poll lists it again").isEqualTo(1);
        assertThat(firstRunWarnings).as("the 2100 event's WARN is among the first run's").isPositive();
        assertThat(metrics).contains("halo_events_beyond_window_total{account=\"default\"} " + firstRunWarnings + ".0");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anEventAMinuteAheadHidesNoneOfTheEventsCreatedBeforeItsTime() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().ignoreUntil(true).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        simulator.events().generate(22, start, Instant.now().minusSeconds(60), 20);
        String ahead = "e0000000000000000000000000000060";
        simulator.events().add(event(ahead, Instant.now().plusSeconds(60)));
        connector = ConnectorProcess.start(work, properties(start), Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(WAIT).until(() -> Reliability.idsOfLines(connector.stdout()).contains(ahead));

        // live events created now, while the one a minute ahead is in every answer
        try (LiveAppender live = simulator.events().startLive(23, 10, 0, Duration.ZERO)) {
            await().atMost(WAIT).until(() -> live.appended() >= 50);
        }
        Set<String> expected = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(expected));
        assertThat(connector.terminate(20)).isZero();

        print("event a minute ahead: %d events delivered once, cursor %s", expected.size(),
                Reliability.checkpoint(work).get("cursor").asText());
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(warningsAbout(ahead)).isEqualTo(1);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aCheckpointHoldingAFutureCursorStopsTheStartWithExitCode2AndTheWayToResetIt() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        simulator.events().generate(24, start, Instant.now().minusSeconds(60), 20);
        Map<String, String> props = properties(start);
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        connector = ConnectorProcess.start(work, props, env, List.of());
        Set<String> first = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(first));
        assertThat(connector.terminate(20)).isZero();
        // as an older version left it after an event from 2100
        Path file = work.resolve("state/checkpoint.json");
        ObjectNode checkpoint = (ObjectNode) Reliability.checkpoint(work);
        String cursor = checkpoint.get("cursor").asText();
        checkpoint.put("cursor", YEAR_2100.toString());
        Files.writeString(file, checkpoint.toPrettyString());
        long requests = simulator.stats().eventsRequests();

        connector = ConnectorProcess.start(work, props, env, List.of());
        assertThat(connector.waitFor(45)).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        List<String> lines = connector.stderr().lines().filter(line -> line.startsWith("halo-connector: ")).toList();
        print("future cursor at start: %s", lines);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains(file.toAbsolutePath().toString()).contains("cursor " + YEAR_2100)
                .contains("set \"cursor\" in that file to the created_at of the last event your output received")
                .contains("delete the file to start again from the account's start");
        assertThat(simulator.stats().eventsRequests()).as("Halo not polled").isEqualTo(requests);

        // the reset the line describes: the cursor back at the last event delivered
        checkpoint.put("cursor", cursor);
        Files.writeString(file, checkpoint.toPrettyString());
        simulator.events().add(event("c0000000000000000000000000000000", Instant.now()));
        connector = ConnectorProcess.start(work, props, env, List.of());
        Set<String> all = allIds();
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(all));
        assertThat(connector.terminate(20)).isZero();
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), all);
    }
}
