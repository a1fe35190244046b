package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The checkpoint cannot be written while the connector runs. The tests run as root, where a
 * read-only folder does not stop writes, so a folder is put where the checkpoint's temp file goes
 * ({@code checkpoint.json.tmp}): opening it for writing fails for root too. Delivery stops with an
 * error naming the file, at most the page whose commit failed past the saved checkpoint; removing
 * the folder resumes delivery with nothing lost or repeated.
 */
class BrokenStateDiskTest {
    private static final int EVENTS = 3_000;
    private static final int PER_PAGE = 100;

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

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anUnwritableCheckpointStopsDeliveryNamingTheFileAndAFixResumesWithNothingLost() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(60)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(21, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.output", "file");
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        Path events = work.resolve("events");
        Path checkpointFile = work.resolve("state/checkpoint.json");
        Path temp = work.resolve("state/checkpoint.json.tmp");

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= 500);
        // between two saves the temp file does not exist; during one, try again
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> breakTempFile(temp));
        await().atMost(Duration.ofSeconds(30)).until(() -> connector.stderr().contains("cannot write the checkpoint " + checkpointFile));
        long requestsAtFailure = simulator.stats().eventsRequests();
        long writtenAtFailure = Reliability.linesInFiles(events);
        // each poll (every second) tries to save first, fails, and does not fetch: wait for three of them
        await().atMost(Duration.ofSeconds(30)).until(() -> connector.stderr().lines()
                .filter(line -> line.contains("Poll stopped: cannot write the checkpoint " + checkpointFile)).count() >= 4);
        long written = Reliability.linesInFiles(events);
        JsonNode saved = Reliability.checkpoint(work);
        String position = saved.get("outputPosition").asText();
        long committedBytes = Long.parseLong(position.substring(position.lastIndexOf(':') + 1));
        long committedLines = committedLines(events, position.substring(0, position.lastIndexOf(':')), committedBytes);
        String error = connector.stderr().lines().filter(line -> line.contains("cannot write the checkpoint")).findFirst().orElseThrow();
        print("broken state disk: %s", error);
        print("broken state disk: %d events written when the save failed, %d after 4 failed polls, %d of them in the"
                        + " saved checkpoint; Halo requests %d then %d", writtenAtFailure, written, committedLines,
                requestsAtFailure, simulator.stats().eventsRequests());
        assertThat(error).contains("ERROR").contains(checkpointFile.toString());
        assertThat(written).as("delivery stopped").isEqualTo(writtenAtFailure).isLessThan(EVENTS);
        assertThat(simulator.stats().eventsRequests()).as("Halo no longer polled").isEqualTo(requestsAtFailure);
        assertThat(written - committedLines).as("ahead of the saved state by at most the page whose save failed")
                .isBetween(0L, (long) PER_PAGE);
        assertThat(connector.isAlive()).isTrue();

        Files.delete(temp); // the disk is fixed
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= EVENTS);
        assertThat(connector.stderr()).contains("The checkpoint " + checkpointFile + " is writable again: delivery resumes");
        assertThat(connector.terminate(20)).isZero();
        Reliability.assertExactlyOnce(Reliability.idsInFiles(events), expected);
    }

    private static boolean breakTempFile(Path temp) throws IOException {
        try {
            Files.createDirectory(temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Lines of the files before the committed one, and of the committed one up to its committed length. */
    private static long committedLines(Path dir, String committedFile, long committedBytes) throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().compareTo(committedFile) <= 0).toList()) {
                byte[] content = Files.readAllBytes(file);
                long end = file.getFileName().toString().equals(committedFile) ? committedBytes : content.length;
                for (int i = 0; i < end; i++) {
                    if (content[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }
}
