package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.poll.SortedAnswers;
import io.haloconnector.simulator.AnswerOrder;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An API that ignores sort_by, under a deep-pagination cap far below the window (3 events a
 * page, 6 per query): every event is delivered exactly once, the first page out of order is
 * logged once in the poll, and a kill -9 in the middle of a window loses nothing.
 */
class UnsortedPagesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

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

    /** {@code n} events over the last hours, a few pairs sharing one created_at. */
    private Set<String> addEvents(Instant start, int n, long seed) {
        Random random = new Random(seed);
        long span = Duration.between(start, Instant.now().minusSeconds(60)).toMillis();
        Instant at = start;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(5) != 0) { // one in five shares the created_at of the one before
                at = start.plusMillis(random.nextLong(span));
            }
            ObjectNode event = HaloJson.MAPPER.createObjectNode();
            event.put("id", String.format("%016x%016x", seed, i));
            event.put("type", "sca_rule_failed");
            event.put("created_at", at.toString());
            simulator.events().add(event);
        }
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "3");
        props.put("halo.api.maxResults", "6");
        // a short overlap: what the cursor passed is not read again by the next poll
        props.put("halo.poll.overlap", "1s");
        props.put("camel.management.enabled", "false");
        return props;
    }

    @ParameterizedTest(name = "{0}, {1} events")
    @CsvSource({"SHUFFLED, 12", "REVERSED, 12", "SHUFFLED, 400", "REVERSED, 400"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unsortedPagesUnderASmallCapDeliverEveryEventExactlyOnce(AnswerOrder order, int events) throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().answerOrder(order).maxResults(6).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        Set<String> expected = addEvents(start, events, events);

        connector = ConnectorProcess.start(work, properties(start), Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout())).containsAll(expected)
                && connector.stderr().contains("Poll done"));
        assertThat(connector.terminate(20)).isZero();

        List<String> log = connector.stderr().lines().toList();
        int firstPollDone = 0;
        while (!log.get(firstPollDone).contains("Poll done")) {
            firstPollDone++;
        }
        long outOfOrder = log.subList(0, firstPollDone).stream().filter(line -> line.contains("out of created_at order")).count();
        print("%s pages, %d events, perPage 3, maxResults 6: %d events requests, %s", order, events,
                simulator.stats().eventsRequests(), log.get(firstPollDone).replaceAll(".*Poll done", "Poll done"));
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(outOfOrder).as("pages out of order logged once in the catch-up poll").isEqualTo(1);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killNineInTheMiddleOfWindowsLosesNothingAndTheFilesHoldEveryEventOnce() throws Exception {
        // reversed: every page of more than one created_at is out of order, so each run sees it on its first page
        simulator = HaloSimulator.start(SimulatorConfig.builder().answerOrder(AnswerOrder.REVERSED).maxResults(6)
                .latency(Duration.ofMillis(20)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        Set<String> expected = addEvents(start, 600, 31);
        Map<String, String> props = properties(start);
        props.put("halo.output", "file");
        props.put("halo.fetch.concurrency", "1");
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        Path files = work.resolve("events");

        for (int target : new int[] {150, 320, 470}) {
            connector = ConnectorProcess.start(work, props, env, List.of());
            await().atMost(WAIT).until(() -> Reliability.linesInFiles(files) >= target);
            connector.kill();
            printCheckpoint(target);
        }
        // the first run's distrust is in the state folder: later runs hold the cursor from their first page
        assertThat(work.resolve("state").resolve(SortedAnswers.MARKER)).exists();
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(WAIT).until(() -> new HashSet<>(Reliability.idsInFiles(files)).containsAll(expected));
        assertThat(connector.terminate(20)).isZero();
        assertThat(connector.stderr()).contains("The Halo API listed events out of created_at order before");

        Reliability.assertExactlyOnce(Reliability.idsInFiles(files), expected);
    }

    /** What the checkpoint held when a kill came: its cursor and how many ids it kept. */
    private void printCheckpoint(int after) {
        var checkpoint = Reliability.checkpoint(work);
        print("kill -9 after %d events: checkpoint cursor %s, %d ids kept", after, checkpoint.get("cursor").asText(),
                Reliability.checkpointIds(checkpoint));
    }
}
