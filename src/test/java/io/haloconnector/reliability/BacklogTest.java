package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.simulator.SimulatorMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backlog of 89 days of a busy account (200,000 events in the default suite, a million with
 * -Dreliability.full=true) caught up by a connector on a 256 MB heap into files; afterwards the
 * dedup state holds only the ids of the last overlap window. The simulator runs as its own
 * process, with the heap the events need.
 */
class BacklogTest {
    private static final Duration OVERLAP = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private Process simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (simulator != null) {
            simulator.destroy();
            simulator.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void aNinetyDayBacklogIsCaughtUpOnA256MbHeapAndTheDedupStateStaysBounded() throws Exception {
        int events = Reliability.full() ? 1_000_000 : 200_000;
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(89)).minus(Duration.ofMinutes(10));
        URI url = startSimulator(events, Reliability.full() ? "-Xmx3g" : "-Xmx1g");
        Map<String, String> props = Reliability.properties(url, "demo-key", start, work);
        props.put("halo.output", "file");
        props.put("halo.progress.interval", "10s");
        Path files = work.resolve("events");

        long began = System.nanoTime();
        connector = ConnectorProcess.start(work, props, Reliability.secrets("demo-secret"), List.of("-Xmx256m"));
        long[] peakRss = {0};
        List<String> samples = new ArrayList<>();
        // the backlog is one poll: it ends with "Poll done"
        await().atMost(Duration.ofMinutes(Reliability.full() ? 25 : 5)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            long rss = connector.rssKib();
            peakRss[0] = Math.max(peakRss[0], rss);
            samples.add((System.nanoTime() - began) / 1_000_000_000 + "s " + rss / 1024 + " MiB");
            return connector.stderr().contains("Poll done:");
        });
        long catchUpMillis = (System.nanoTime() - began) / 1_000_000;
        long heapKib = connector.heapUsedKib();
        assertThat(connector.terminate(20)).isZero();

        List<String> ids = new ArrayList<>(events);
        Instant[] newest = {Instant.MIN};
        List<Instant> createdAts = new ArrayList<>(events);
        Reliability.forEachFileEvent(files, event -> {
            ids.add(event.get("id").asText());
            Instant createdAt = Instant.parse(event.get("created_at").asText());
            createdAts.add(createdAt);
            if (createdAt.isAfter(newest[0])) {
                newest[0] = createdAt;
            }
        });
        Set<String> unique = new HashSet<>(ids);
        JsonNode checkpoint = Reliability.checkpoint(work);
        int keptIds = Reliability.checkpointIds(checkpoint);
        Instant cursor = Instant.parse(checkpoint.get("cursor").asText());
        long inLastOverlap = createdAts.stream().filter(t -> !t.isBefore(cursor.minus(OVERLAP))).count();
        long checkpointBytes = Files.size(work.resolve("state/checkpoint.json"));

        print("backlog: %d events over 89 days caught up in %d ms (%d events/s) on -Xmx256m; RSS peak %d MiB, heap used"
                        + " %d MiB after", ids.size(), catchUpMillis, ids.size() * 1000L / Math.max(1, catchUpMillis),
                peakRss[0] / 1024, heapKib / 1024);
        print("backlog: RSS samples %s", samples);
        print("backlog: checkpoint.json %d bytes with %d ids (events in the last %s before the cursor: %d)",
                checkpointBytes, keptIds, OVERLAP, inLastOverlap);
        assertThat(ids).as("every event once").hasSize(events);
        assertThat(unique).hasSize(events);
        assertThat(cursor).isEqualTo(newest[0]);
        assertThat((long) keptIds).as("dedup ids kept: only the overlap window").isEqualTo(inLastOverlap);
        assertThat(checkpointBytes).as("checkpoint size").isLessThan(64 * 1024);
        assertThat(connector.stderr()).doesNotContain("OutOfMemoryError");
    }

    /** SimulatorMain as its own process; returns its URL once it listens. */
    private URI startSimulator(int events, String heap) throws Exception {
        simulator = new ProcessBuilder(ConnectorProcess.javaBinary(), heap, "-cp", System.getProperty("java.class.path"),
                SimulatorMain.class.getName(), "--events", Integer.toString(events), "--days", "89", "--seed", "90")
                .redirectError(work.resolve("simulator.stderr").toFile()).start();
        AtomicReference<String> listening = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(simulator.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("halo-simulator listening on ")) {
                        listening.set(line.substring("halo-simulator listening on ".length()).trim());
                    }
                }
            } catch (java.io.IOException ignored) {
                // the simulator ended
            }
        }, "simulator-stdout");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofMinutes(3)).until(() -> listening.get() != null || !simulator.isAlive());
        assertThat(listening.get()).as("the simulator started").isNotNull();
        return URI.create(listening.get());
    }
}
