package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user's own output route (test resource custom-output/sca-rule-failed-files.yaml) loaded by
 * camel-main's routes include pattern in place of the shipped output-file.yaml: it splits each
 * page's batch, keeps the sca_rule_failed events and writes each to a file named by its id. The
 * connector around it is unchanged: the checkpoint moves only when that route has returned.
 */
class CustomOutputRouteTest extends ConnectorMainTestSupport {
    private static final long WAIT_SECONDS = 60;
    private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS);
    private static final String SCA = "sca_rule_failed";

    /** The Halo poll as shipped, and the user's route instead of routes/output-*.yaml. */
    @Override
    protected String routesIncludePattern() {
        return "file:routes/halo-events.yaml,file:routes/halo-accounts.yaml,classpath:custom-output/sca-rule-failed-files.yaml";
    }

    @Override
    protected void overrides(Properties properties) {
        properties.put("halo.perPage", "50");
        properties.put("sca.failures.dir", work.resolve("sca-failures").toString());
    }

    @Test
    void onlyTheFailedRulesArriveOnceEachAndAFailingUserRouteHoldsTheCheckpoint() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            simulator.events().generate(31, start, now.minus(Duration.ofHours(3)), 400);
            Path scaDir = work.resolve("sca-failures");
            context.start();

            // every failed rule arrives once, nothing else; the cursor reaches the newest event
            String newestFirst = newestCreatedAt();
            await().atMost(WAIT).until(() -> newestFirst.equals(checkpointCursor()));
            assertExactlyOnce(delivered(scaDir), scaEvents(simulator.events().all()));

            // the user's folder cannot be written (a file has taken its name), then new events come,
            // the first of them a failed rule
            Path firstFolder = Files.move(scaDir, work.resolve("sca-failures-first"));
            Files.writeString(scaDir, "not a folder");
            NotifyBuilder twoFailedPolls = polls(2);
            ObjectNode blocked = scaRuleFailed(now.minus(Duration.ofHours(2)));
            simulator.events().add(blocked);
            simulator.events().generate(32, now.minus(Duration.ofHours(2)).plusSeconds(1), now.minus(Duration.ofHours(1)), 300);
            // each poll stops at that page, says why, and leaves the checkpoint where it was
            assertThat(twoFailedPolls.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("two polls reach the user's route").isTrue();
            assertThat(logs.lines(Level.ERROR)).anySatisfy(line -> assertThat(line)
                    .startsWith("Poll stopped: ").contains("Cannot store file: " + scaDir));
            assertThat(checkpointCursor()).as("the checkpoint did not pass an event the user's route did not deliver")
                    .isEqualTo(newestFirst);

            // the folder can be written again: the rest arrives, each failed rule once
            Files.delete(scaDir);
            String newestAll = newestCreatedAt();
            await().atMost(WAIT).until(() -> newestAll.equals(checkpointCursor()));
            Map<String, List<String>> all = new HashMap<>(delivered(firstFolder));
            delivered(scaDir).forEach((id, lines) -> all.merge(id, lines, (x, y) -> Stream.concat(x.stream(), y.stream()).toList()));
            assertThat(all).containsKey(blocked.get("id").asText());
            assertExactlyOnce(all, scaEvents(simulator.events().all()));
        }
    }

    private static Map<String, JsonNode> scaEvents(List<ObjectNode> events) {
        return events.stream().filter(e -> SCA.equals(e.get("type").asText()))
                .collect(Collectors.toMap(e -> e.get("id").asText(), e -> e));
    }

    private static ObjectNode scaRuleFailed(Instant at) {
        ObjectNode event = HaloJson.MAPPER.createObjectNode();
        event.put("id", "f".repeat(32));
        event.put("type", SCA);
        event.put("name", "Configuration rule matched");
        event.put("created_at", at.toString());
        event.put("critical", true);
        event.put("message", "Ensure SSH root login is disabled");
        return event;
    }

    /** The lines of each file in the folder, by file name without {@code .json}. */
    private static Map<String, List<String>> delivered(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, List<String>> byId = new HashMap<>();
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                byId.put(name.substring(0, name.length() - ".json".length()), Files.readAllLines(file));
            }
            return byId;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertExactlyOnce(Map<String, List<String>> delivered, Map<String, JsonNode> expected) throws IOException {
        assertThat(expected).as("the simulator made failed rules").hasSizeGreaterThan(10);
        assertThat(delivered.keySet()).as("one file per failed rule, no other type").isEqualTo(Set.copyOf(expected.keySet()));
        for (Map.Entry<String, List<String>> file : delivered.entrySet()) {
            assertThat(file.getValue()).as("event %s delivered once", file.getKey()).hasSize(1);
            assertThat(HaloJson.MAPPER.readTree(file.getValue().get(0))).isEqualTo(expected.get(file.getKey()));
        }
    }
}
