package io.haloconnector.reliability;

import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.testkit.postgres.PostgresDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * A backfill with {@code halo.state.store=jdbc}: its checkpoint is a row of its own in PostgreSQL
 * (state key {@code backfill-<account>-<since>-<until>}), the live account's row and ids stay as
 * they were, and a kill -9 mid-window then the same command sends the rest with at most the pages
 * in flight repeated. Beside the leader of a cluster (README's shared-folder cluster settings, the
 * same for both processes) the backfill takes no part in the election: it runs to its end while the
 * leader polls on.
 */
class BackfillPostgresTest {
    private static final int PER_PAGE = 200;
    private static final int MAX_IN_FLIGHT = 4;
    @RegisterExtension
    static final PostgresDatabases POSTGRES = new PostgresDatabases();

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
    void aKilledBackfillResumesFromItsOwnRowAndTheLiveRowStaysAsItWas() throws Exception {
        String url = POSTGRES.create("backfill");
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(10)).build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(21, start, Instant.now().minusSeconds(30), 15_000);
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start,
                work), receiver.baseUrl());
        props.putAll(Reliability.readmePostgresState(url));
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("hec.maxInFlight", Integer.toString(MAX_IN_FLIGHT));
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(POSTGRES.server().password()));

        ConnectorProcess live = ConnectorProcess.start(work, "connector", props, env, List.of(), List.of());
        processes.add(live);
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= 15_000);
        assertThat(live.terminate(20)).isZero();
        String liveRow = row(url, "default");
        int before = receiver.received().size();

        Instant since = start.plus(Duration.ofHours(4)).plusMillis(500);
        Instant until = start.plus(Duration.ofHours(40));
        Set<String> window = simulator.events().all().stream().filter(e -> {
            Instant at = Instant.parse(e.get("created_at").asText());
            return !at.isBefore(since) && at.isBefore(until);
        }).map(e -> e.get("id").asText()).collect(Collectors.toSet());
        List<String> command = List.of("backfill", "--since", since.toString(), "--until", until.toString());
        Map<String, String> oneRequestAtATime = new HashMap<>(props);
        oneRequestAtATime.put("halo.fetch.concurrency", "1");

        ConnectorProcess first = ConnectorProcess.start(work, "backfill", oneRequestAtATime, env, List.of(), command);
        processes.add(first);
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= before + window.size() / 3);
        first.kill();
        int killedAt = receiver.received().size() - before;
        assertThat(killedAt).as("killed before the end of the window").isLessThan(window.size());
        ConnectorProcess second = ConnectorProcess.start(work, "backfill", oneRequestAtATime, env, List.of(), command);
        processes.add(second);
        assertThat(second.waitFor(120)).as("exit code of the rerun").isZero();

        List<String> sent = Reliability.idsOfEnvelopes(receiver.received().subList(before, receiver.received().size()));
        assertThat(new HashSet<>(sent)).as("every event of the window, nothing else").isEqualTo(window);
        int repeats = Reliability.repeats(sent);
        print("backfill on postgres, kill -9 at %d of %d events: %d repeats (bound %d)", killedAt, window.size(), repeats,
                MAX_IN_FLIGHT * PER_PAGE);
        assertThat(repeats).as("repeats: at most the pages in flight").isLessThanOrEqualTo(MAX_IN_FLIGHT * PER_PAGE);
        assertThat(row(url, "default")).as("the live account's row and ids").isEqualTo(liveRow);
        String key = "backfill-default-" + compact(since) + "-" + compact(until);
        assertThat(row(url, key)).as("the backfill's own row, its cursor at the window's end")
                .startsWith("cursor " + until + ",");
        assertThat(second.stderr()).contains("state key '" + key + "'").doesNotContain(POSTGRES.server().password());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void besideTheLeaderOfAClusterTheBackfillRunsToItsEndAndTheLeaderPollsOn() throws Exception {
        String url = POSTGRES.create("backfill_cluster");
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(22, start, Instant.now().minusSeconds(30), 4_000);
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start,
                work), receiver.baseUrl());
        props.putAll(Reliability.readmePostgresState(url));
        props.putAll(Readme.recipe("several-nodes-properties").rewrite(Map.of("/srv/halo-cluster",
                work.resolve("cluster").toString())).properties());
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(POSTGRES.server().password()));

        ConnectorProcess leader = ConnectorProcess.start(work, "connector", props, env, List.of(), List.of());
        processes.add(leader);
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= 4_000);
        try (var appender = simulator.events().startLive(23, 20, 0, Duration.ZERO)) {
            Instant since = start.plus(Duration.ofHours(3));
            Instant until = start.plus(Duration.ofHours(9));
            Set<String> window = simulator.events().all().stream().filter(e -> {
                Instant at = Instant.parse(e.get("created_at").asText());
                return !at.isBefore(since) && at.isBefore(until);
            }).map(e -> e.get("id").asText()).collect(Collectors.toSet());
            int before = receiver.received().size();
            ConnectorProcess backfill = ConnectorProcess.start(work, "backfill", props, env, List.of(),
                    List.of("backfill", "--since", since.toString(), "--until", until.toString()));
            processes.add(backfill);
            assertThat(backfill.waitFor(90)).as("the backfill's exit code beside the leader").isZero();
            assertThat(leader.isAlive()).isTrue();
            String leaderRow = row(url, "default");
            await().atMost(Duration.ofSeconds(30)).until(() -> !row(url, "default").equals(leaderRow));
            List<String> sent = Reliability.idsOfEnvelopes(receiver.received().subList(before, receiver.received().size()));
            assertThat(sent).as("the window, sent again beside the leader's new events").containsAll(window);
        }
        assertThat(leader.terminate(20)).isZero();
    }

    /** The checkpoint row of a state key: cursor, save time and the ids it keeps, as one text. */
    private static String row(String url, String stateKey) throws SQLException {
        try (Connection connection = POSTGRES.server().connect(url)) {
            String checkpoint;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT cursor_at, saved_at FROM halo_checkpoint WHERE state_key = ?")) {
                select.setString(1, stateKey);
                try (ResultSet result = select.executeQuery()) {
                    assertThat(result.next()).as("a row for %s", stateKey).isTrue();
                    checkpoint = "cursor " + result.getTimestamp(1).toInstant() + ", saved " + result.getTimestamp(2).toInstant();
                }
            }
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT event_id FROM halo_delivered_id WHERE state_key = ? ORDER BY event_id")) {
                select.setString(1, stateKey);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        ids.add(result.getString(1));
                    }
                }
            }
            return checkpoint + ", ids " + ids;
        }
    }

    /** An instant as the backfill's state key writes it: 2026-12-01T10:00:00.500Z as 20261201T100000.500Z. */
    private static String compact(Instant at) {
        return at.toString().replace("-", "").replace(":", "");
    }
}
