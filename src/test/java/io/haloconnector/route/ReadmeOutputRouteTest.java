package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * README's example of an output route of one's own (The output contract: only failed configuration
 * rules, one file each), loaded as written in place of the shipped output routes, its folder moved
 * to the test's: each failed rule arrives in its own file, nothing else, and the checkpoint reaches
 * the newest event.
 */
class ReadmeOutputRouteTest extends ConnectorMainTestSupport {

    @Override
    protected String routesIncludePattern() {
        Path route = Readme.recipe("output-archive-yaml")
                .rewrite(Map.of("file:/var/lib/halo/archive", "file:" + work.resolve("archive")))
                .writeTo(work.resolve("my-routes").resolve("output-archive.yaml"));
        return "file:routes/halo-events.yaml,file:routes/halo-accounts.yaml,file:" + route;
    }

    @Test
    void eachFailedRuleArrivesInAFileNamedByItsIdAndNothingElse() throws Exception {
        simulator.events().generate(33, start, start.plus(Duration.ofHours(3)), 600);
        Map<String, JsonNode> failedRules = simulator.events().all().stream()
                .filter(e -> "sca_rule_failed".equals(e.get("type").asText()))
                .collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
        assertThat(failedRules).as("the simulator made failed rules").hasSizeGreaterThan(10);
        context.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> newestCreatedAt().equals(checkpointCursor()));

        Map<String, JsonNode> archived;
        try (Stream<Path> files = Files.list(work.resolve("archive"))) {
            archived = files.collect(Collectors.toMap(f -> f.getFileName().toString(), f -> {
                try {
                    return HaloJson.MAPPER.readTree(f.toFile());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        assertThat(archived.keySet()).isEqualTo(failedRules.keySet().stream().map(id -> id + ".json").collect(Collectors.toSet()));
        archived.forEach((name, event) -> assertThat(event).as(name)
                .isEqualTo(failedRules.get(name.substring(0, name.length() - ".json".length()))));
    }
}
