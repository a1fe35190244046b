package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A corrupt or hand-edited checkpoint stops the connector at start with exit code 2 and one line
 * that names the file and how to reset; it never starts again silently from halo.start (no
 * events request reaches Halo, nothing is delivered, the file is left as it was).
 */
class CorruptStateTest {
    private static final int EVENTS = 300;

    @TempDir
    static Path shared;

    private static HaloSimulator simulator;
    private static Instant start;
    private static String validCheckpoint;

    @TempDir
    Path work;

    @BeforeAll
    static void writeARealCheckpoint() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        simulator.events().generate(77, start, Instant.now().minusSeconds(30), EVENTS);
        try (ConnectorProcess connector = ConnectorProcess.start(shared,
                Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, shared),
                Reliability.secrets(simulator.apiSecret()), List.of())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> connector.stdout().lines().count() >= EVENTS);
            assertThat(connector.terminate(20)).isZero();
        }
        validCheckpoint = Files.readString(shared.resolve("state/checkpoint.json"));
        assertThat(Reliability.checkpointIds(HaloJson.MAPPER.readTree(validCheckpoint))).isPositive();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"truncated", "empty", "cursor edited to a non-date", "deliveredIds removed", "a folder"})
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aCorruptOrHandEditedCheckpointStopsWithExitCode2NamingTheFileAndTheReset(String damage) throws Exception {
        Path file = work.resolve("state/checkpoint.json");
        Files.createDirectories(file.getParent());
        damage(file, damage);
        String before = Files.isDirectory(file) ? null : Files.readString(file);
        long requests = simulator.stats().eventsRequests();

        try (ConnectorProcess connector = ConnectorProcess.start(work,
                Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                Reliability.secrets(simulator.apiSecret()), List.of("-XX:TieredStopAtLevel=1"))) {
            int exit = connector.waitFor(45);
            String stderr = connector.stderr();
            List<String> lines = stderr.lines().filter(line -> line.startsWith("halo-connector: ")).toList();
            print("corrupt checkpoint (%s): exit %d, %s", damage, exit, lines.isEmpty() ? "no line" : lines.get(0));
            assertThat(exit).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .startsWith("halo-connector: the checkpoint " + file.toAbsolutePath() + " cannot be read (")
                    .contains("): restore it, or delete it to start again from halo.start");
            assertThat(stderr).doesNotContain("\tat ").doesNotContain("No checkpoint in");
            assertThat(connector.stdout()).as("nothing delivered").isEmpty();
        }
        assertThat(simulator.stats().eventsRequests()).as("Halo not polled").isEqualTo(requests);
        if (before != null) {
            assertThat(Files.readString(file)).as("the file is left for the user to restore").isEqualTo(before);
        }
    }

    private static void damage(Path file, String damage) throws Exception {
        ObjectNode json = (ObjectNode) HaloJson.MAPPER.readTree(validCheckpoint);
        switch (damage) {
            case "truncated" -> Files.writeString(file, validCheckpoint.substring(0, validCheckpoint.length() / 2));
            case "empty" -> Files.writeString(file, "");
            case "cursor edited to a non-date" -> Files.writeString(file, json.put("cursor", "yesterday").toString());
            case "deliveredIds removed" -> {
                json.remove("deliveredIds");
                Files.writeString(file, json.toString());
            }
            case "a folder" -> Files.createDirectories(file);
            default -> throw new IllegalArgumentException(damage);
        }
    }
}
