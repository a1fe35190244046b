package io.haloconnector.hec;

import io.haloconnector.LogCapture;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.haloconnector.hec.HecFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events HEC refuses as malformed are set aside in the dead-letter file; their neighbours are delivered. */
class HecDeliveryDeadLetterTest {


    @TempDir
    Path stateDir;
    private HecFixture hec;

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
    }

    private List<JsonNode> deadLetters() throws Exception {
        Path file = stateDir.resolve("hec-dead-letter.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(HaloJson.MAPPER.readTree(line));
        }
        return lines;
    }

    @Test
    void aBadEventIsDeadLetteredAndItsNeighboursDelivered() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink();
        List<HaloEvent> page = SampleEvents.events(0, 20);
        String bad = SampleEvents.id(7);
        hec.receiver.faults().refuseEvents(event -> event.path("id").asText().equals(bad), 6);

        try (LogCapture logs = new LogCapture()) {
            hec.deliver(sink, page);
            assertThat(logs.lines(Level.WARN)).anyMatch(w -> w.startsWith("HEC refused event " + bad + " (code 6: Invalid data format)"));
        }

        List<String> expected = new ArrayList<>(ids(page));
        expected.remove(bad);
        assertThat(hec.receivedIds()).containsExactlyElementsOf(expected);
        List<JsonNode> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).fieldNames()).toIterable().containsExactly("reason", "time", "event");
        assertThat(dead.get(0).get("reason").asText()).isEqualTo("code 6: Invalid data format");
        assertThat(Instant.parse(dead.get(0).get("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(dead.get(0).get("event")).isEqualTo(page.get(7).tree());
        assertThat(sink.deadLetterCount()).as("what the console shows").isEqualTo(1);
        // a line a crash cut short is not an event the file holds
        Files.writeString(stateDir.resolve("hec-dead-letter.jsonl"), "{\"reason\":\"code 6", java.nio.file.StandardOpenOption.APPEND);
        assertThat(sink.deadLetterCount()).isEqualTo(1);
    }

    @Test
    void aDeadLetterWrittenWhileAReplayMovesTheFileAsideWaitsAndLandsInTheNewFile() throws Exception {
        HecDeadLetters deadLetters = new HecDeadLetters(stateDir);
        List<HaloEvent> events = SampleEvents.events(0, 2);
        deadLetters.write(events.get(0), "code 6: Invalid data format");
        Path file = stateDir.resolve(HecDeadLetters.FILE_NAME);
        Path aside = stateDir.resolve("aside.jsonl");
        CountDownLatch moved = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread replay = new Thread(() -> {
            try {
                HecDeadLetters.whileLocked(stateDir, () -> {
                    Files.move(file, aside);
                    moved.countDown();
                    awaitQuietly(release);
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        replay.start();
        assertThat(moved.await(10, TimeUnit.SECONDS)).isTrue();
        Thread connector = new Thread(() -> {
            try {
                deadLetters.write(events.get(1), "code 6: Invalid data format");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        connector.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> connector.getState() == Thread.State.BLOCKED);
        assertThat(file).as("the append waits for the move").doesNotExist();
        release.countDown();
        connector.join(10_000);
        replay.join(10_000);
        assertThat(Files.readAllLines(aside)).singleElement().asString().contains(events.get(0).id());
        assertThat(Files.readAllLines(file)).singleElement().asString().contains(events.get(1).id());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void severalBadEventsAcrossBatchesAreAllFound() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.events", "8");
        List<HaloEvent> page = SampleEvents.events(0, 30);
        Set<String> bad = Set.of(SampleEvents.id(0), SampleEvents.id(3), SampleEvents.id(4), SampleEvents.id(15), SampleEvents.id(29));
        hec.receiver.faults().refuseEvents(event -> bad.contains(event.path("id").asText()), 15);

        hec.deliver(sink, page);

        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page).stream().filter(id -> !bad.contains(id)).toList());
        assertThat(deadLetters()).extracting(d -> d.get("event").get("id").asText()).containsExactlyElementsOf(
                ids(page).stream().filter(bad::contains).toList());
        assertThat(deadLetters()).allSatisfy(d -> assertThat(d.get("reason").asText()).isEqualTo("code 15: Error in handling indexed fields"));
    }

    @Test
    void anEventTooLargeForHecIsFoundByBisectingAndDeadLettered() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().maxContentLength(20_000), stateDir);
        HecDelivery sink = hec.sink("hec.gzip", "false");
        List<HaloEvent> page = new ArrayList<>(SampleEvents.events(0, 9));
        page.add(4, SampleEvents.event(100, SampleEvents.FIRST, "y".repeat(30_000)));

        hec.deliver(sink, page);

        assertThat(hec.receiver.received()).hasSize(9);
        assertThat(hec.receivedIds()).doesNotContain(SampleEvents.id(100));
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.get("reason").asText()).startsWith("HTTP 413: Content-Length of");
            assertThat(d.get("event").get("id").asText()).isEqualTo(SampleEvents.id(100));
        });
    }
}
