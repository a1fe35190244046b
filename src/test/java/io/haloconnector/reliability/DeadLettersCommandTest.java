package io.haloconnector.reliability;

import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/halo-connector dead-letters}, each run as its own process on the dead letters a
 * connector process left when the HEC receiver refused some of its events: {@code list} counts
 * them by reason, {@code replay} sends them once HEC takes them (beside the running connector),
 * and a replay killed with SIGKILL midway, run again, loses none and repeats at most one batch.
 */
class DeadLettersCommandTest {
    private static final String BAD_EVENT = "{\"type\":\"issue_resolved\",\"message\":\"an event without an id\"}";

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private ConnectorProcess connector;
    private ConnectorProcess replay;
    /** HEC refuses one event in this many, by the hash of its id. */
    private int every;

    @AfterEach
    void stop() throws InterruptedException {
        for (ConnectorProcess process : new ConnectorProcess[] {replay, connector}) {
            if (process != null) {
                process.close();
            }
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
    void listCountsThemByReasonAndReplayDeliversWhatHecRefusedOnceItTakesThem() throws Exception {
        Instant start = start(1_000, 5);
        Map<String, String> props = properties(start);
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        Set<String> refused = refusedIds();
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() + lines(hecDeadLetters()) >= 1_000
                && lines(work.resolve("state/halo-dead-letter.jsonl")) == 1);

        CommandRun list = CommandRun.of(work, props, env, "list", CommandRun.recipeArguments(Readme.recipe("dead-letters-list")));
        print("dead-letters list:%n%s", list.stdout());
        assertThat(list.exit()).isZero();
        assertThat(list.stdout()).contains("HEC refused: " + refused.size() + " in " + hecDeadLetters(),
                "Halo bad events of account default: 1 in " + work.resolve("state/halo-dead-letter.jsonl"));
        assertThat(list.stdout().lines().filter(line -> line.contains("code 6: Invalid data format")))
                .singleElement().asString().contains(Integer.toString(refused.size()), "oldest ", "newest ");
        assertThat(list.stdout().lines().filter(line -> line.contains("no id"))).singleElement().asString().contains("1  no id");

        CommandRun stillRefused = CommandRun.of(work, props, env, "replay", List.of("dead-letters", "replay"));
        print("dead-letters replay while HEC still refuses them: %s", stillRefused.stdout().strip().replace("\n", " / "));
        assertThat(stillRefused.exit()).as(stillRefused.stderr()).isZero();
        assertThat(stillRefused.stdout()).contains("Replayed " + refused.size() + " HEC dead letters: 0 delivered, " + refused.size()
                + " refused again (kept in " + hecDeadLetters() + ")");
        assertThat(lines(hecDeadLetters())).as("each refused again is kept").isEqualTo(refused.size());

        receiver.faults().setTokenDisabled(true);
        long startedAt = System.nanoTime();
        CommandRun tokenRefused = CommandRun.of(work, props, env, "replay", List.of("dead-letters", "replay"));
        Path replaying = work.resolve("state").resolve("hec-dead-letter.replaying.jsonl");
        print("dead-letters replay with the token disabled, %d ms: exit %d, %s", (System.nanoTime() - startedAt) / 1_000_000,
                tokenRefused.exit(), tokenRefused.errorLines());
        assertThat(tokenRefused.exit()).isEqualTo(1);
        assertThat(tokenRefused.errorLines()).singleElement().asString().contains("HEC did not take the dead letters",
                "refused the token", "0 of " + refused.size() + " delivered, the rest stay in " + replaying, "run replay again");
        assertThat(lines(replaying)).as("nothing removed").isEqualTo(refused.size());
        receiver.faults().setTokenDisabled(false);

        receiver.faults().refuseEvents(event -> false, 6); // the index is fixed
        CommandRun replayed = CommandRun.of(work, props, env, "replay", CommandRun.recipeArguments(Readme.recipe("dead-letters-replay")));
        print("dead-letters replay beside the running connector: %s", replayed.stdout().strip().replace("\n", " / "));
        assertThat(replayed.exit()).as(replayed.stderr()).isZero();
        assertThat(replayed.stdout()).contains("Replayed " + refused.size() + " HEC dead letters: " + refused.size() + " delivered");
        Reliability.assertExactlyOnce(Reliability.idsOfEnvelopes(receiver.received()), expectedIds());
        assertThat(lines(hecDeadLetters())).isZero();
        assertThat(replaying).doesNotExist();

        Path exported = work.resolve("bad-events.jsonl");
        CommandRun export = CommandRun.of(work, props, env, "export", List.of("dead-letters", "export", "--halo", exported.toString()));
        assertThat(export.exit()).isZero();
        assertThat(export.stdout().strip()).isEqualTo("1 bad events of account default written to " + exported
                + ", as Halo sent them, one a line");
        assertThat(Files.readString(exported)).isEqualTo(BAD_EVENT + "\n");
        assertThat(connector.terminate(20)).isZero();

        for (CommandRun run : List.of(list, stillRefused, tokenRefused, replayed, export)) {
            assertThat(run.stdout() + run.stderr()).doesNotContain(Reliability.HEC_TOKEN, simulator.apiSecret());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aReplayKilledMidwayAndRunAgainLosesNoneAndRepeatsAtMostOneBatch() throws Exception {
        Instant start = start(2_000, 4);
        Map<String, String> props = properties(start);
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        Set<String> refused = refusedIds();
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() + lines(hecDeadLetters()) >= 2_000);
        assertThat(connector.terminate(20)).isZero();
        assertThat(lines(hecDeadLetters())).isEqualTo(refused.size());

        int batch = 20;
        Map<String, String> replayProps = new HashMap<>(props);
        replayProps.put("hec.batch.events", Integer.toString(batch));
        receiver.faults().refuseEvents(event -> false, 6);
        for (int i = 0; i < refused.size() / batch + 2; i++) {
            receiver.faults().slow(Duration.ofMillis(250)); // a HEC far away: the kill lands between batches
        }
        int accepted = receiver.received().size();
        replay = ConnectorProcess.command(work, replayProps, env, "replay", List.of("dead-letters", "replay"));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() - accepted >= refused.size() / 3);
        replay.kill();
        int replayedBeforeKill = receiver.received().size() - accepted;
        Path replaying = work.resolve("state").resolve("hec-dead-letter.replaying.jsonl");
        int leftAfterKill = lines(replaying);
        print("dead-letters replay, kill -9: %d of %d dead letters sent before the kill, %d lines left in %s",
                replayedBeforeKill, refused.size(), leftAfterKill, replaying.getFileName());
        assertThat(leftAfterKill).as("what was not yet sent, and at most one batch that was")
                .isBetween(refused.size() - replayedBeforeKill, refused.size() - replayedBeforeKill + batch);

        CommandRun again = CommandRun.of(work, replayProps, env, "replay-again", List.of("dead-letters", "replay"));
        print("dead-letters replay after the kill: %s", again.stdout().strip().replace("\n", " / "));
        assertThat(again.exit()).as(again.stderr()).isZero();
        List<String> replayed = Reliability.idsOfEnvelopes(receiver.received()).subList(accepted, receiver.received().size());
        Map<String, Long> times = replayed.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        long repeats = replayed.size() - times.size();
        print("dead-letters replay, kill -9: %d dead letters, %d envelopes sent, %d repeats (bound: one batch of %d)",
                refused.size(), replayed.size(), repeats, batch);
        assertThat(times.keySet()).as("every dead letter arrived, nothing else").isEqualTo(refused);
        assertThat(repeats).as("repeats: at most the batch the kill interrupted").isLessThanOrEqualTo(batch);
        assertThat(lines(hecDeadLetters())).isZero();
        assertThat(replaying).doesNotExist();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void replayWithAnotherOutputThanHecIsOneLineAndExitTwo() throws Exception {
        Map<String, String> props = Map.of("halo.state.dir", work.resolve("state").toString(), "halo.output", "file");
        CommandRun replayed = CommandRun.of(work, props, Map.of(), "replay", List.of("dead-letters", "replay"));
        assertThat(replayed.exit()).isEqualTo(2);
        assertThat(replayed.errorLines()).singleElement().asString().isEqualTo("halo-connector dead-letters: replay sends"
                + " through the HEC output, and halo.output is file: set halo.output=hec and the hec.* settings to replay");
    }

    /** The simulator with {@code events} events and a bad one; HEC refuses one event in {@code every}. */
    private Instant start(int events, int every) throws IOException {
        this.every = every;
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(11, start, Instant.now().minusSeconds(60), events);
        simulator.events().addRaw(start.plusSeconds(600), "0", BAD_EVENT.getBytes(StandardCharsets.UTF_8));
        receiver.faults().refuseEvents(event -> Math.floorMod(event.path("id").asText().hashCode(), every) == 0, 6);
        return start;
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        props.put("hec.batch.events", "100");
        return props;
    }

    /** The ids the simulator holds (the bad event has none). */
    private Set<String> expectedIds() {
        return simulator.events().all().stream().filter(e -> e.hasNonNull("id")).map(e -> e.get("id").asText())
                .collect(Collectors.toSet());
    }

    /** The ids HEC refuses while the fault is on: the connector's dead letters. */
    private Set<String> refusedIds() {
        return expectedIds().stream().filter(id -> Math.floorMod(id.hashCode(), every) == 0).collect(Collectors.toSet());
    }

    private Path hecDeadLetters() {
        return work.resolve("state").resolve("hec-dead-letter.jsonl");
    }

    private static int lines(Path file) throws IOException {
        return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count() : 0;
    }
}
