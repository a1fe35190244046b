package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code halo-connector backfill} as its own process against the simulator and the HEC receiver:
 * it sends every event of its window once and none outside it, leaves the live checkpoint as it
 * was, resumes after kill -9 with at most the pages in flight repeated (none with the file output,
 * whose files are its own), says a finished window is
 * done (and sends it again with {@code --again}), refuses a bad window in one line, and runs beside
 * a live connector on the same state folder.
 */
class BackfillTest {
    private static final int PER_PAGE = 200;
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private final List<ConnectorProcess> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ConnectorProcess process : processes) {
            process.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void readmesBackfillSendsTheWindowOnceLeavesTheLiveCheckpointAloneAndIsThenDone() throws Exception {
        start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        simulator.events().generate(11, start, Instant.now().minusSeconds(30), 6_000);
        Map<String, String> props = properties(start);

        // the live connector catches up, then stops: its checkpoint is what the backfill must not touch
        ConnectorProcess live = process("connector", props, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 6_000);
        assertThat(live.terminate(20)).isZero();
        byte[] liveCheckpoint = Files.readAllBytes(work.resolve("state/checkpoint.json"));
        int before = receiver.received().size();

        Instant since = start.plus(Duration.ofHours(20)).plusMillis(250);
        Instant until = start.plus(Duration.ofHours(44));
        List<String> command = readmeBackfill(since, until);
        ConnectorProcess backfill = process("backfill", props, command);
        assertThat(backfill.waitFor(90)).as("exit code once the window is sent").isZero();
        List<String> sent = Reliability.idsOfEnvelopes(receiver.received().subList(before, receiver.received().size()));
        Set<String> window = idsCreated(since, until);
        assertThat(window).as("events in the window").hasSizeGreaterThan(1_000);
        Reliability.assertExactlyOnce(sent, window);
        assertThat(Files.readAllBytes(work.resolve("state/checkpoint.json"))).as("the live checkpoint, byte for byte")
                .isEqualTo(liveCheckpoint);
        String log = backfill.stderr();
        assertThat(log).contains("halo-connector backfill: done: " + window.size() + " events of account default from "
                + since + " to " + until).doesNotContain(simulator.apiSecret()).doesNotContain(Reliability.HEC_TOKEN);
        print("backfill: %d events of the window sent once, live checkpoint unchanged", window.size());

        // the same command again: done already, nothing sent
        ConnectorProcess rerun = process("rerun", props, command);
        assertThat(rerun.waitFor(60)).isZero();
        assertThat(rerun.stderr().strip().lines().reduce((a, b) -> b).orElse(""))
                .contains("was backfilled already").contains("add --again");
        assertThat(receiver.received()).hasSize(before + window.size());

        // --again: the whole window once more
        List<String> again = new ArrayList<>(command);
        again.add("--again");
        ConnectorProcess redo = process("again", props, again);
        assertThat(redo.waitFor(90)).isZero();
        List<String> resent = Reliability.idsOfEnvelopes(receiver.received().subList(before + window.size(),
                receiver.received().size()));
        Reliability.assertExactlyOnce(resent, window);
        assertThat(Files.readAllBytes(work.resolve("state/checkpoint.json"))).isEqualTo(liveCheckpoint);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void killNineMidBackfillThenTheSameCommandSendsTheRestWithAtMostThePagesInFlightRepeated() throws Exception {
        // slow pages, one request at a time: the kill falls mid-window and progress lines come out
        start(SimulatorConfig.builder().latency(Duration.ofMillis(15)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(12, start, Instant.now().minusSeconds(30), 30_000);
        Map<String, String> props = properties(start);
        props.put("halo.fetch.concurrency", "1");
        props.put("halo.progress.interval", "1s");
        Instant since = start.plus(Duration.ofHours(6));
        Instant until = start.plus(Duration.ofHours(42));
        Set<String> window = idsCreated(since, until);
        List<String> command = List.of("backfill", "--since", since.toString(), "--until", until.toString());

        ConnectorProcess first = process("backfill", props, command);
        int target = window.size() / 3;
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= target);
        first.kill();
        int killedAt = receiver.received().size();
        assertThat(killedAt).as("killed before the end of the window").isLessThan(window.size());

        ConnectorProcess second = process("backfill", props, command);
        assertThat(second.waitFor(120)).as("exit code of the rerun").isZero();
        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        assertThat(new HashSet<>(ids)).as("every event of the window, nothing else").isEqualTo(window);
        int repeats = Reliability.repeats(ids);
        print("backfill kill -9 at %d of %d events: %d repeats after the rerun (bound %d, the pages in flight)", killedAt,
                window.size(), repeats, MAX_IN_FLIGHT * PER_PAGE);
        assertThat(repeats).as("repeats: at most the pages in flight").isLessThanOrEqualTo(MAX_IN_FLIGHT * PER_PAGE);
        assertThat(second.stderr()).contains("Resuming from the checkpoint")
                .containsPattern("Backfill: \\d+ events delivered \\(\\d+/s\\), cursor \\S+, \\d+% of " + since + " to " + until
                        + ", about .+ left");
        assertThat(work.resolve("state/checkpoint.json")).as("no live checkpoint was made").doesNotExist();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aReversedWindowOneOutsideRetentionOrInTheFutureABadDateAndAnUnknownAccountAreRefusedInOneLine() throws Exception {
        start(SimulatorConfig.builder().build());
        Instant now = Instant.now();
        Map<String, String> props = properties(now.minus(Duration.ofDays(1)));
        Map<List<String>, String> refused = Map.of(
                List.of("--since", "2026-12-02", "--until", "2026-12-01"), "is not after --since",
                List.of("--since", now.minus(Duration.ofDays(91)).toString(), "--until", now.minus(Duration.ofDays(80)).toString()),
                "outside Halo's 90-day retention",
                List.of("--since", now.minus(Duration.ofDays(1)).toString(), "--until", now.plus(Duration.ofDays(1)).toString()),
                "is after now",
                List.of("--since", "yesterday", "--until", now.toString()), "--since yesterday is not a date",
                List.of("--since", now.minus(Duration.ofDays(1)).toString(), "--until", now.toString(), "--config",
                        "missing.properties"), "--config missing.properties: no such file");
        for (Map.Entry<List<String>, String> bad : refused.entrySet()) {
            List<String> command = new ArrayList<>(List.of("backfill"));
            command.addAll(bad.getKey());
            ConnectorProcess backfill = process("refused", props, command);
            assertThat(backfill.waitFor(30)).as("exit code for %s", bad.getKey()).isEqualTo(2);
            String log = backfill.stderr();
            assertThat(log.strip().lines()).as("stderr for %s", bad.getKey()).hasSize(1);
            assertThat(log).contains(bad.getValue());
            Files.delete(work.resolve("refused.stderr"));
        }
        assertThat(work.resolve("state")).as("nothing was opened").doesNotExist();

        ConnectorProcess unknown = process("unknown", props, List.of("backfill", "--account", "staging", "--since",
                now.minus(Duration.ofHours(2)).toString(), "--until", now.minus(Duration.ofHours(1)).toString()));
        assertThat(unknown.waitFor(60)).isEqualTo(2);
        assertThat(unknown.stderr().strip().lines().reduce((a, b) -> b).orElse(""))
                .isEqualTo("halo-connector backfill: no account 'staging' in the routes (the accounts are: default):"
                        + " name one of them with --account");
        assertThat(simulator.stats().eventsRequests()).as("Halo was not asked for events").isZero();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsBesideTheLiveConnectorOnTheSameStateFolderWhichPollsOnUntouched() throws Exception {
        start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(13, start, Instant.now().minusSeconds(30), 5_000);
        Set<String> history = idsCreated(start, Instant.now());
        Map<String, String> props = properties(start);
        ConnectorProcess live = process("connector", props, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= history.size());
        // new events keep coming while the backfill runs
        try (var appender = simulator.events().startLive(14, 20, 0, Duration.ZERO)) {
            Instant since = start.plus(Duration.ofHours(2));
            Instant until = start.plus(Duration.ofHours(14));
            Set<String> window = idsCreated(since, until);
            ConnectorProcess backfill = process("backfill", props,
                    List.of("backfill", "--since", since.toString(), "--until", until.toString()));
            assertThat(backfill.waitFor(90)).as("the backfill's exit code").isZero();
            assertThat(live.isAlive()).as("the live connector polls on").isTrue();
            Instant liveCursor = cursorOf(work.resolve("state/checkpoint.json"));
            await().atMost(Duration.ofSeconds(30)).until(() -> cursorOf(work.resolve("state/checkpoint.json")).isAfter(liveCursor));
            List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
            Map<String, Long> times = ids.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            assertThat(window).allSatisfy(id -> assertThat(times.get(id)).as("event %s of the window: live, then backfill", id)
                    .isEqualTo(2));
            assertThat(history).filteredOn(id -> !window.contains(id)).allSatisfy(id -> assertThat(times.get(id))
                    .as("event %s outside the window", id).isEqualTo(1));
        }
        assertThat(live.terminate(20)).isZero();
        assertThat(live.stderr()).doesNotContain("in use by another");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void intoTheFileOutputItWritesAFolderOfItsOwnAndAKillNineThenTheSameCommandLeavesEachEventOnce() throws Exception {
        start(SimulatorConfig.builder().latency(Duration.ofMillis(15)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(16, start, Instant.now().minusSeconds(30), 20_000);
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.output", "file");
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("halo.fetch.concurrency", "1");
        Instant since = start.plus(Duration.ofHours(5));
        Instant until = start.plus(Duration.ofHours(41));
        Set<String> window = idsCreated(since, until);
        List<String> command = List.of("backfill", "--since", since.toString(), "--until", until.toString());
        Path files = work.resolve("events").resolve("backfill-default-" + since.toString().replace("-", "").replace(":", "")
                + "-" + until.toString().replace("-", "").replace(":", ""));

        ConnectorProcess first = process("backfill", props, command);
        await().atMost(Duration.ofSeconds(90)).until(() -> Reliability.linesInFiles(files) >= window.size() / 3);
        first.kill();
        assertThat(Reliability.linesInFiles(files)).as("killed before the end of the window").isLessThan(window.size());
        ConnectorProcess second = process("backfill", props, command);
        assertThat(second.waitFor(120)).as("exit code of the rerun").isZero();
        // the file output cuts its files back to the checkpoint at start: not even the pages in flight repeat
        Reliability.assertExactlyOnce(Reliability.idsInFiles(files), window);
        assertThat(Reliability.linesInFiles(work.resolve("events"))).as("nothing in the live connector's folder").isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPollThatFailsMidWindowIsFollowedWithinSecondsAndTheWindowStillEndsOnce() throws Exception {
        start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(15, start, Instant.now().minusSeconds(30), 3_000);
        Map<String, String> props = properties(start);
        props.remove("halo.poll.cron"); // the backfill's own schedule: a poll every 5 s
        props.put("halo.retry.maxAttempts", "2");
        props.put("halo.fetch.concurrency", "1");
        Instant since = start.plus(Duration.ofHours(1));
        Instant until = start.plus(Duration.ofHours(20));
        Set<String> window = idsCreated(since, until);
        // page 1 answers 500 twice: the first poll gives up after its two attempts, the next one runs 5 s later
        simulator.faults().enqueue(Fault.status(500), Fault.status(500));
        ConnectorProcess backfill = process("backfill", props,
                List.of("backfill", "--since", since.toString(), "--until", until.toString()));
        assertThat(backfill.waitFor(60)).as("exit code once the window is sent").isZero();
        assertThat(backfill.stderr()).contains("Poll stopped").contains("500");
        Reliability.assertExactlyOnce(Reliability.idsOfEnvelopes(receiver.received()), window);
    }

    /** README's recipe, its dates replaced by the test's window, as the arguments after bin/halo-connector. */
    private static List<String> readmeBackfill(Instant since, Instant until) {
        String line = Readme.recipe("backfill").rewrite(Map.of("2026-11-30T00:00:00Z", since.toString(),
                "2026-12-01T12:00:00Z", until.toString())).text().strip();
        assertThat(line).startsWith("bin/halo-connector backfill ");
        return List.of(line.substring("bin/halo-connector ".length()).split("\\s+"));
    }

    private void start(SimulatorConfig config) throws IOException {
        simulator = HaloSimulator.start(config);
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start,
                work), receiver.baseUrl());
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("hec.maxInFlight", Integer.toString(MAX_IN_FLIGHT));
        return props;
    }

    private ConnectorProcess process(String name, Map<String, String> props, List<String> arguments) throws IOException {
        ConnectorProcess process = ConnectorProcess.start(work, name, props, Reliability.secrets(simulator.apiSecret()),
                List.of(), arguments);
        processes.add(process);
        return process;
    }

    /** The ids of the simulator's events created in [since, until). */
    private Set<String> idsCreated(Instant since, Instant until) {
        return simulator.events().all().stream().filter(e -> {
            Instant at = Instant.parse(e.get("created_at").asText());
            return !at.isBefore(since) && at.isBefore(until);
        }).map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static Instant cursorOf(Path checkpoint) throws IOException {
        JsonNode root = io.haloconnector.halo.HaloJson.MAPPER.readTree(checkpoint.toFile());
        return Instant.parse(root.get("cursor").asText());
    }
}
