package io.haloconnector.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.BadEvent;
import io.haloconnector.halo.HaloJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HaloDeadLettersTest {
    private static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-11-02T00:00:00Z");

    @TempDir
    Path state;

    @Test
    void aLineSaysWhereTheEventWasWhyAndHoldsItsBytes() throws IOException {
        String raw = "{\"type\":\"x\",\"message\":\"ü \\\" – 🙂\"}";
        new HaloDeadLetters(state).write(bad(raw, "abc"), SINCE, UNTIL, 3);

        List<String> lines = Files.readAllLines(state.resolve("halo-dead-letter.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode line = HaloJson.MAPPER.readTree(lines.get(0));
        assertThat(line.get("reason").asText()).isEqualTo("no id");
        assertThat(line.get("page").asInt()).isEqualTo(3);
        assertThat(line.get("position").asInt()).isEqualTo(7);
        assertThat(line.get("since").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(line.get("until").asText()).isEqualTo("2026-11-02T00:00:00Z");
        assertThat(line.get("id").isNull()).isTrue();
        assertThat(line.get("size").asLong()).isEqualTo(raw.getBytes(StandardCharsets.UTF_8).length);
        assertThat(line.get("cut").asBoolean()).isFalse();
        assertThat(line.get("raw").asText()).isEqualTo(raw);
    }

    @Test
    void anEventIsWrittenOnceAcrossRepeatsAndRestarts() throws IOException {
        HaloDeadLetters letters = new HaloDeadLetters(state);
        assertThat(letters.write(bad("{}", "one"), SINCE, UNTIL, 1)).isTrue();
        assertThat(letters.write(bad("{}", "one"), SINCE, UNTIL, 1)).as("the same page again").isFalse();
        assertThat(letters.write(bad("{\"a\":1}", "two"), SINCE, UNTIL, 1)).isTrue();
        // a crash cut the last line: that event is not known, and is written again
        Files.writeString(state.resolve("halo-dead-letter.jsonl"), "{\"reason\":\"no id\",\"sha256\":\"thr",
                StandardOpenOption.APPEND);

        HaloDeadLetters restarted = new HaloDeadLetters(state);
        assertThat(restarted.count()).as("events held, the cut line not one").isEqualTo(2);
        assertThat(restarted.write(bad("{}", "one"), SINCE, UNTIL, 2)).as("after a restart").isFalse();
        assertThat(restarted.write(bad("{\"a\":1}", "two"), SINCE, UNTIL, 2)).isFalse();
        assertThat(restarted.write(bad("{\"b\":1}", "three"), SINCE, UNTIL, 2)).isTrue();
        assertThat(restarted.count()).isEqualTo(3);
        List<String> lines = Files.readAllLines(state.resolve("halo-dead-letter.jsonl"));
        assertThat(lines).hasSize(4);
        assertThat(HaloJson.MAPPER.readTree(lines.get(3)).get("sha256").asText()).as("a whole line after the cut one")
                .isEqualTo("three");
    }

    private static BadEvent bad(String raw, String sha256) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        return new BadEvent(7, null, BadEvent.Reason.NO_ID, "no \"id\" field", bytes.length, bytes, sha256);
    }
}
