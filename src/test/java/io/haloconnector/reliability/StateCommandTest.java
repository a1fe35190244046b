package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.AccountsFile;
import io.haloconnector.testkit.postgres.PostgresDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/halo-connector state show} and {@code state set-cursor}, each as its own process
 * beside a connector process on the same settings: show reads the checkpoint while the connector
 * runs, with the file store and with PostgreSQL; set-cursor is refused while a connector holds the
 * account, and once it is stopped moves the cursor so the next run delivers again what came after
 * it (and what came in the poll overlap before it, whose ids are no longer held). README's recipes are the commands run.
 */
class StateCommandTest {
    @RegisterExtension
    static final PostgresDatabases POSTGRES = new PostgresDatabases();

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void showReadsTheRunningConnectorsFileCheckpointAndAMovedBackCursorDeliversWhatCameAfterItAgain() throws Exception {
        Instant start = start(2_000);
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered().size() >= 2_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> checkpointCursor() != null
                && checkpointCursor().equals(newest()));

        CommandRun show = CommandRun.of(work, props, env, "show", CommandRun.recipeArguments(Readme.recipe("state-show")));
        print("state show, file store:%n%s", show.stdout());
        assertThat(show.exit()).isZero();
        JsonNode checkpoint = Reliability.checkpoint(work);
        String row = show.stdout().lines().filter(line -> line.startsWith("default ")).findFirst().orElseThrow();
        assertThat(row).contains(newest().toString(), Integer.toString(Reliability.checkpointIds(checkpoint)),
                work.resolve("state").resolve("checkpoint.json").toString());
        assertThat(show.stdout().lines().findFirst().orElseThrow()).contains("CURSOR", "LAG", "DEDUP IDS", "LAST COMMIT", "STORE");

        CommandRun json = CommandRun.of(work, props, env, "show-json", List.of("state", "show", "--json"));
        JsonNode account = Reliability.parse(json.stdout().replace("\n", " ")).get("accounts").get(0);
        assertThat(account.get("cursor").asText()).isEqualTo(newest().toString());
        assertThat(account.get("lagSeconds").asLong()).isGreaterThanOrEqualTo(Duration.between(newest(), Instant.now()).toSeconds() - 5);
        assertThat(account.get("dedupIds").asInt()).isEqualTo(Reliability.checkpointIds(checkpoint));

        Instant to = start.plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        List<String> setCursor = CommandRun.recipeArguments(Readme.recipe("state-set-cursor")
                .rewrite(Map.of("2026-12-01T00:00:00Z", to.toString())));
        CommandRun refused = CommandRun.of(work, props, env, "set-cursor", setCursor);
        print("state set-cursor beside a running connector: exit %d, %s", refused.exit(), refused.errorLines());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString()
                .contains("account default is held by a running connector", "state.lock", "stop it");
        assertThat(checkpointCursor()).as("the checkpoint is as the connector left it").isEqualTo(newest());

        assertThat(connector.terminate(20)).isZero();
        CommandRun moved = CommandRun.of(work, props, env, "set-cursor", setCursor);
        print("state set-cursor, connector stopped: %s", moved.stdout().strip());
        assertThat(moved.exit()).isZero();
        assertThat(moved.stdout().strip()).isEqualTo("account default: cursor " + newest() + " -> " + to + " ("
                + work.resolve("state").resolve("checkpoint.json") + ")");
        assertThat(checkpointCursor()).isEqualTo(to);
        for (Iterator<String> times = Reliability.checkpoint(work).get("deliveredIds").fieldNames(); times.hasNext(); ) {
            assertThat(Instant.parse(times.next())).as("ids after the new cursor are forgotten").isBeforeOrEqualTo(to);
        }

        int before = delivered().size();
        Set<String> after = idsCreatedAfter(to);
        // the next poll reads from the cursor minus halo.poll.overlap (2m), and the ids of that stretch are no longer held
        Set<String> afterOverlap = idsCreatedAfter(to.minus(Duration.ofMinutes(2)).minusMillis(1));
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered().size() - before >= after.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> to.isBefore(checkpointCursor()));
        assertThat(connector.terminate(20)).isZero();
        List<String> again = delivered().subList(before, delivered().size());
        print("state set-cursor back one day: %d events delivered again, %d came after the new cursor, %d after it less the overlap",
                again.size(), after.size(), afterOverlap.size());
        assertThat(new HashSet<>(again)).as("the run after the move delivers what came after the cursor")
                .containsAll(after).isSubsetOf(afterOverlap);
        assertThat(again).as("each once").doesNotHaveDuplicates();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void showAndSetCursorWorkOnThePostgresCheckpointAndTheMoveIsRefusedWhileAConnectorIsConnected() throws Exception {
        Instant start = start(500);
        String url = POSTGRES.create("state");
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.putAll(Reliability.readmePostgresState(url));
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(POSTGRES.server().password()));
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered().size() >= 500);

        String store = "state key 'default' in postgresql://127.0.0.1:" + POSTGRES.server().port();
        await().atMost(Duration.ofSeconds(10)).until(() -> CommandRun.of(work, props, env, "show", List.of("state", "show"))
                .stdout().contains(newest().toString()));
        CommandRun show = CommandRun.of(work, props, env, "show", List.of("state", "show"));
        print("state show, PostgreSQL:%n%s", show.stdout());
        assertThat(show.exit()).isZero();
        assertThat(show.stdout()).contains(newest().toString(), store);

        Instant to = start.plus(Duration.ofHours(12));
        List<String> setCursor = List.of("state", "set-cursor", "--account", "default", to.toString());
        CommandRun refused = CommandRun.of(work, props, env, "set-cursor", setCursor);
        print("state set-cursor beside a connector on PostgreSQL: %s", refused.errorLines());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString()
                .contains("a connector is connected to the state database", "stop it");

        assertThat(connector.terminate(20)).isZero();
        CommandRun moved = CommandRun.of(work, props, env, "set-cursor", setCursor);
        assertThat(moved.exit()).as(moved.stderr()).isZero();
        assertThat(moved.stdout().strip()).isEqualTo("account default: cursor " + newest() + " -> " + to + " (" + store
                + url.substring(url.lastIndexOf('/')) + ")");
        assertThat(CommandRun.of(work, props, env, "show", List.of("state", "show")).stdout()).contains(to.toString());

        for (CommandRun run : List.of(show, refused, moved)) {
            assertThat(run.stdout() + run.stderr()).doesNotContain(POSTGRES.server().password(), simulator.apiSecret());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void setCursorIsRefusedWhileANodeOfTheClusterLeadsTheAccount() throws Exception {
        Instant start = start(300);
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.putAll(Reliability.readmePostgresState(POSTGRES.create("cluster")));
        Path cluster = work.resolve("cluster");
        // README's cluster settings for a shared folder (Several nodes)
        props.putAll(Readme.recipe("several-nodes-properties").rewrite(Map.of("/srv/halo-cluster", cluster.toString())).properties());
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(POSTGRES.server().password()));
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered().size() >= 300);

        List<String> setCursor = List.of("state", "set-cursor", "--account", "default", start.plus(Duration.ofHours(1)).toString());
        CommandRun refused = CommandRun.of(work, props, env, "set-cursor", setCursor);
        print("state set-cursor beside the cluster's leader: %s", refused.errorLines());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString()
                .contains("a node of the cluster leads account default", cluster.resolve("halo-default").toString(), "stop every node");

        assertThat(connector.terminate(20)).isZero();
        CommandRun moved = CommandRun.of(work, props, env, "set-cursor", setCursor);
        assertThat(moved.exit()).as(moved.stderr()).isZero();
        assertThat(moved.stdout()).contains("account default: cursor " + newest() + " -> " + start.plus(Duration.ofHours(1)));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aStoreItCannotReachIsOneLineAndExitOne() throws Exception {
        Map<String, String> props = new HashMap<>(Reliability.readmePostgresState("jdbc:postgresql://127.0.0.1:" + freePort() + "/halo"));
        props.put("halo.state.dir", work.resolve("state").toString());
        Map<String, String> env = Reliability.readmePostgresPassword("secret-" + System.nanoTime());
        CommandRun show = CommandRun.of(work, props, env, "show", List.of("state", "show"));
        print("state show, PostgreSQL out of reach: exit %d, %s", show.exit(), show.errorLines());
        assertThat(show.exit()).isEqualTo(1);
        assertThat(show.errorLines()).singleElement().asString().startsWith("halo-connector state: ")
                .contains("cannot be reached", "check halo.state.jdbc.url");
        assertThat(show.stdout() + show.stderr()).doesNotContain(env.values().iterator().next());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void eachAccountOfTheConfiguredRoutesHasItsRowAndAFirstMoveWritesACheckpointStartingThere() throws Exception {
        // a configuration file with the routes beside it, named by --config before the command
        Path config = work.resolve("etc").resolve("application.properties");
        Files.createDirectories(config.getParent().resolve("routes"));
        Files.writeString(config, "halo.state.dir = " + work.resolve("state") + "\nhalo.api.key = k1\n");
        Files.writeString(config.getParent().resolve("routes").resolve("halo-accounts.yaml"),
                Files.readString(Path.of("routes", "halo-accounts.yaml")) + new AccountsFile()
                        .account("staging", "k2", "HALO_STAGING_SECRET", Map.of("stateKey", "stage")));
        Instant first = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        Instant earlier = first.minus(Duration.ofDays(1));
        Map<String, String> none = Map.of();

        CommandRun moved = CommandRun.of(work, none, none, "set-cursor",
                List.of("--config", config.toString(), "state", "set-cursor", "--account", "staging", first.toString()));
        assertThat(moved.exit()).as(moved.stderr()).isZero();
        Path staging = work.resolve("state").resolve("stage").resolve("checkpoint.json");
        assertThat(moved.stdout().strip()).isEqualTo("account staging: cursor (no checkpoint) -> " + first + " (" + staging + ")");
        CommandRun back = CommandRun.of(work, none, none, "set-cursor",
                List.of("--config", config.toString(), "state", "set-cursor", "--account", "staging", earlier.toString()));
        assertThat(back.exit()).as(back.stderr()).isZero();
        JsonNode checkpoint = Reliability.parse(Files.readString(staging).replace("\n", " "));
        assertThat(checkpoint.get("cursor").asText()).isEqualTo(earlier.toString());
        assertThat(checkpoint.get("start").asText()).as("a cursor before the first run's start takes the start back with it")
                .isEqualTo(earlier.toString());

        // README's Help: a checkpoint an older version left with a cursor later than now is moved back the same way
        Path defaultCheckpoint = work.resolve("state").resolve("checkpoint.json");
        List<String> moveDefault = List.of("--config", config.toString(), "state", "set-cursor", "--account", "default", first.toString());
        assertThat(CommandRun.of(work, none, none, "set-cursor", moveDefault).exit()).isZero();
        Files.writeString(defaultCheckpoint, Files.readString(defaultCheckpoint).replace(first.toString(), "2100-01-01T00:00:00Z"));
        CommandRun fromTheFuture = CommandRun.of(work, none, none, "set-cursor", moveDefault);
        assertThat(fromTheFuture.exit()).as(fromTheFuture.stderr()).isZero();
        assertThat(fromTheFuture.stdout()).startsWith("account default: cursor 2100-01-01T00:00:00Z -> " + first);

        CommandRun show = CommandRun.of(work, none, none, "show", List.of("--config", config.toString(), "state", "show"));
        print("state show, two accounts:%n%s", show.stdout());
        assertThat(show.exit()).isZero();
        assertThat(show.stdout().lines().skip(1).toList()).satisfiesExactly(
                row -> assertThat(row).startsWith("default ").contains(first.toString(), defaultCheckpoint.toString()),
                row -> assertThat(row).startsWith("staging ").contains(earlier.toString(), staging.toString()));

        CommandRun unknown = CommandRun.of(work, none, none, "show", List.of("state", "show", "--account", "prod", "--config", config.toString()));
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.errorLines()).containsExactly("halo-connector state: unknown account prod: the configured accounts are default, staging");
    }

    private Instant start(int events) throws IOException {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(7, start, Instant.now().minusSeconds(60), events);
        return start;
    }

    private Set<String> idsCreatedAfter(Instant time) {
        return simulator.events().all().stream().filter(e -> Instant.parse(e.get("created_at").asText()).isAfter(time))
                .map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    /** The created_at of the newest event of the simulator: the cursor once all are delivered. */
    private Instant newest() {
        return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText())).max(Instant::compareTo)
                .orElseThrow();
    }

    private Instant checkpointCursor() {
        JsonNode cursor = Reliability.checkpoint(work).get("cursor");
        return cursor == null || cursor.isNull() ? null : Instant.parse(cursor.asText());
    }

    /** The ids the stdout output printed, in order, across the connector runs of this folder. */
    private List<String> delivered() {
        return Reliability.idsOfLines(connector.stdout());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
