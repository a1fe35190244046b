package io.haloconnector.output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

class RollingFileEventSinkTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void writesOneEventPerLineUnchanged() throws Exception {
        try (RollingFileEventSink sink = new RollingFileEventSink(dir, 1 << 20, CLOCK)) {
            sink.write(event("a", "2026-11-30T10:00:00.123Z"));
            sink.write(event("b", "2026-11-30T10:00:00.123Z"));
            assertThat(sink.flush()).isEqualTo("halo-events-2026-11-30-001.jsonl:"
                    + Files.size(dir.resolve("halo-events-2026-11-30-001.jsonl")));
        }
        List<String> lines = Files.readAllLines(dir.resolve("halo-events-2026-11-30-001.jsonl"));
        assertThat(lines).containsExactly(
                "{\"id\":\"a\",\"type\":\"fim_object_added\",\"created_at\":\"2026-11-30T10:00:00.123Z\",\"message\":\"File \\\"/etc/passwd\\\" changed – ü\"}",
                "{\"id\":\"b\",\"type\":\"fim_object_added\",\"created_at\":\"2026-11-30T10:00:00.123Z\",\"message\":\"File \\\"/etc/passwd\\\" changed – ü\"}");
    }

    @Test
    void recoveryCutsOffAHalfLineAndEverythingAfterTheLastCommit() throws Exception {
        String committed;
        try (RollingFileEventSink sink = new RollingFileEventSink(dir, 1 << 20, CLOCK)) {
            sink.write(event("a", "2026-11-30T10:00:00.123Z"));
            committed = sink.flush();
            sink.write(event("b", "2026-11-30T10:00:01.000Z"));
            sink.flush(); // written, but the process dies before the checkpoint is saved
        }
        Path file = dir.resolve("halo-events-2026-11-30-001.jsonl");
        Files.writeString(file, "{\"id\":\"c\",\"crea", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("halo-events-2026-11-30-002.jsonl"), "{\"id\":\"d\"}\n");

        try (RollingFileEventSink sink = new RollingFileEventSink(dir, 1 << 20, CLOCK)) {
            sink.recover(committed);
            sink.write(event("b", "2026-11-30T10:00:01.000Z"));
            sink.flush();
        }
        assertThat(Files.readAllLines(file)).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        assertThat(Files.readString(file)).contains("\"id\":\"a\"").contains("\"id\":\"b\"").doesNotContain("\"c\"");
        assertThat(dir.resolve("halo-events-2026-11-30-002.jsonl")).doesNotExist();
    }

    @Test
    void rollsToANewFileAtThePageBoundaryAfterTheSizeLimit() throws Exception {
        try (RollingFileEventSink sink = new RollingFileEventSink(dir, 100, CLOCK)) {
            sink.write(event("a", "2026-11-30T10:00:00.123Z"));
            sink.write(event("b", "2026-11-30T10:00:00.123Z"));
            sink.flush();
            sink.write(event("c", "2026-11-30T10:00:00.123Z"));
            assertThat(sink.flush()).startsWith("halo-events-2026-11-30-002.jsonl:");
        }
        assertThat(Files.readAllLines(dir.resolve("halo-events-2026-11-30-001.jsonl"))).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("halo-events-2026-11-30-002.jsonl"))).hasSize(1);
    }

    @Test
    void aDiscardedPageIsNotWrittenByTheNextFlush() throws Exception {
        try (RollingFileEventSink sink = new RollingFileEventSink(dir, 1 << 20, CLOCK)) {
            sink.write(event("a", "2026-11-30T10:00:00.123Z"));
            sink.flush();
            sink.write(event("b", "2026-11-30T10:00:01.000Z"));
            sink.discard(); // the page failed: it is fetched and written again
            sink.write(event("b", "2026-11-30T10:00:01.000Z"));
            sink.flush();
        }
        assertThat(Files.readAllLines(dir.resolve("halo-events-2026-11-30-001.jsonl"))).hasSize(2);
    }
}
