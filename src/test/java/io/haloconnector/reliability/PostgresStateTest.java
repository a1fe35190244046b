package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.testkit.postgres.PostgresDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
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
 * The connector with {@code halo.state.store=jdbc} on a real PostgreSQL server, as its own process
 * delivering into the HEC receiver: kill -9 and a restart lose nothing; the database stopped in
 * the middle of a catch-up stops the poll with no commit (readiness says why) and its return
 * resumes delivery by itself; a database unreachable at start is retried with readiness 503; a
 * wrong password or a newer schema ends the start with exit 2 and one line. The password is in
 * no log line.
 */
class PostgresStateTest {
    /** hec.maxInFlight: a crash or a failed save repeats at most this many pages. */
    private static final int IN_FLIGHT = 4;
    @RegisterExtension
    static final PostgresDatabases POSTGRES = new PostgresDatabases();

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private ConnectorProcess connector;
    private String url;

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.create("connector");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killNineAndARestartOnThePostgresStateDeliverEveryEventOnce() throws Exception {
        int events = 20_000;
        int perPage = 200;
        Instant start = start(SimulatorConfig.builder().build(), events);
        Set<String> expected = expectedIds();
        Map<String, String> props = properties(start);
        props.put("halo.perPage", Integer.toString(perPage));
        props.put("hec.maxInFlight", Integer.toString(IN_FLIGHT));
        props.put("hec.batch.events", "100"); // two POSTs a page: the kill can fall between them
        long seed = System.nanoTime();
        int killAt = 2_000 + new Random(seed).nextInt(6_000);
        print("postgres state, kill -9: %d events, halo.perPage=%d, killed after %d received (seed %d)", events, perPage,
                killAt, seed);

        connector = ConnectorProcess.start(work, props, env(), List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= killAt);
        connector.kill();
        int killedAt = receiver.received().size();
        connector = ConnectorProcess.start(work, props, env(), List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= killedAt + 4_000);
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();
        int terminatedAt = receiver.received().size();
        connector = ConnectorProcess.start(work, props, env(), List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        assertThat(connector.terminate(20)).isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        int repeatsAfterKill = Reliability.repeats(ids.subList(0, terminatedAt));
        int repeatsAfterSigterm = Reliability.repeats(ids) - repeatsAfterKill;
        print("postgres state, kill -9: %d repeats after the kill (bound %d, one page), %d after the SIGTERM restart",
                repeatsAfterKill, perPage, repeatsAfterSigterm);
        assertThat(new HashSet<>(ids)).as("every event arrived, nothing else").isEqualTo(expected);
        assertThat(repeatsAfterKill).as("repeats: at most the pages in flight").isLessThanOrEqualTo(IN_FLIGHT * perPage);
        assertThat(repeatsAfterSigterm).as("a SIGTERM commits what it delivered").isZero();
        String log = connector.stderr();
        assertThat(log).contains("Resuming from the checkpoint state key 'default' in postgresql://127.0.0.1:" + POSTGRES.server().port());
        assertThat(log).doesNotContain(POSTGRES.server().password());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theDatabaseStoppedMidRunStopsThePollWithoutACommitAndItsReturnResumesDelivery() throws Exception {
        int events = 3_000;
        int perPage = 100;
        Instant start = start(SimulatorConfig.builder().latency(Duration.ofMillis(60)).build(), events);
        Set<String> expected = expectedIds();
        int port = freePort();
        Map<String, String> props = withHealth(properties(start), port);
        props.put("halo.perPage", Integer.toString(perPage));
        props.put("hec.maxInFlight", Integer.toString(IN_FLIGHT));

        connector = ConnectorProcess.start(work, props, env(), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 500);
        POSTGRES.server().stop();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> connector.stderr().contains("Poll stopped: cannot write the checkpoint"));
            int receivedAtFailure = receiver.received().size();
            long requestsAtFailure = simulator.stats().eventsRequests();
            // each later poll (every second) tries the save first, fails, and fetches nothing
            await().atMost(Duration.ofSeconds(60)).until(() -> pollStoppedLines("cannot write the checkpoint") >= 4);
            HttpResponse<String> ready = ready(port);
            String failure = connector.stderr().lines().filter(l -> l.contains("Poll stopped: cannot write")).findFirst().orElseThrow();
            print("postgres stopped: %s", failure);
            print("postgres stopped: %d events received when the save failed, %d after 4 failed polls; readiness %d %s",
                    receivedAtFailure, receiver.received().size(), ready.statusCode(), ready.body().replaceAll("\\s+", " "));
            assertThat(failure).contains("ERROR", "state key 'default' in postgresql://127.0.0.1:" + POSTGRES.server().port(),
                    "delivery stops until it can");
            assertThat(receiver.received().size()).as("delivery stopped").isEqualTo(receivedAtFailure).isLessThan(events);
            assertThat(simulator.stats().eventsRequests()).as("Halo no longer polled").isEqualTo(requestsAtFailure);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("cannot write the checkpoint");
            assertThat(connector.isAlive()).isTrue();
        } finally {
            POSTGRES.server().start();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(port).statusCode() == 200);
        assertThat(connector.terminate(20)).isZero();
        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        print("postgres stopped and started again: %d envelopes for %d events", ids.size(), expected.size());
        connector.stderr().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).distinct().limit(20)
                .forEach(l -> print("postgres stopped, log: %s", l));
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(Reliability.repeats(ids)).as("repeats: at most the pages in flight").isLessThanOrEqualTo(IN_FLIGHT * perPage);
        assertThat(connector.stderr()).contains("is writable again: delivery resumes").doesNotContain(POSTGRES.server().password());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aDatabaseUnreachableAtStartIsRetriedWithReadinessDownAndDeliveryStartsWhenItIsBack() throws Exception {
        Instant start = start(SimulatorConfig.builder().build(), 1_000);
        Set<String> expected = expectedIds();
        int port = freePort();
        Map<String, String> props = withHealth(properties(start), port);
        POSTGRES.server().stop();
        try {
            connector = ConnectorProcess.start(work, props, env(), List.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> pollStoppedLines("cannot be reached") >= 3);
            HttpResponse<String> ready = ready(port);
            print("postgres unreachable at start: %s; readiness %d",
                    connector.stderr().lines().filter(l -> l.contains("cannot be reached")).findFirst().orElseThrow(),
                    ready.statusCode());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("cannot be reached");
            assertThat(connector.isAlive()).as("keeps trying, does not exit").isTrue();
            assertThat(receiver.received()).isEmpty();
        } finally {
            POSTGRES.server().start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= expected.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(port).statusCode() == 200);
        assertThat(connector.terminate(20)).isZero();
        Reliability.assertExactlyOnce(Reliability.idsOfEnvelopes(receiver.received()), expected);
        assertThat(connector.stderr()).doesNotContain(POSTGRES.server().password());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aWrongPasswordEndsTheStartWithExit2AndOneLineNamingTheSetting() throws Exception {
        Instant start = start(SimulatorConfig.builder().build(), 10);
        String wrong = "wrong-" + System.nanoTime();
        connector = ConnectorProcess.start(work, properties(start), env(wrong), List.of());
        assertThat(connector.waitFor(60)).isEqualTo(2);
        List<String> lines = connector.stderr().lines().filter(l -> l.startsWith("halo-connector:")).toList();
        print("postgres wrong password: %s", lines);
        assertThat(lines).singleElement().asString()
                .contains("refused the login (28P01", "fix halo.state.jdbc.username or halo.state.jdbc.password");
        assertThat(connector.stderr()).doesNotContain(wrong).doesNotContain(POSTGRES.server().password());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aNewerSchemaEndsTheStartWithExit2AndOneLineSayingWhatToDo() throws Exception {
        Instant start = start(SimulatorConfig.builder().build(), 10);
        try (Connection connection = POSTGRES.server().connect(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE halo_schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            statement.execute("INSERT INTO halo_schema_version (version) VALUES (7)");
        }
        connector = ConnectorProcess.start(work, properties(start), env(), List.of());
        assertThat(connector.waitFor(60)).isEqualTo(2);
        List<String> lines = connector.stderr().lines().filter(l -> l.startsWith("halo-connector:")).toList();
        print("postgres newer schema: %s", lines);
        assertThat(lines).singleElement().asString().contains("has schema version 7, newer than this connector knows (1)",
                "run the connector version that wrote it, or set halo.state.jdbc.url to another database");
    }

    private Instant start(SimulatorConfig config, int events) throws IOException {
        simulator = HaloSimulator.start(config);
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(31, start, Instant.now().minusSeconds(30), events);
        return start;
    }

    private Set<String> expectedIds() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        props.putAll(Reliability.readmePostgresState(url));
        return props;
    }

    private static Map<String, String> withHealth(Map<String, String> props, int port) {
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        return props;
    }

    private Map<String, String> env() {
        return env(POSTGRES.server().password());
    }

    /** The secrets as users give them: in the environment, the database password by README's line. */
    private Map<String, String> env(String databasePassword) {
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(databasePassword));
        return env;
    }

    private long pollStoppedLines(String why) {
        return connector.stderr().lines().filter(line -> line.contains("Poll stopped: ") && line.contains(why)).count();
    }

    private static HttpResponse<String> ready(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/observe/health/ready?exposureLevel=full")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
