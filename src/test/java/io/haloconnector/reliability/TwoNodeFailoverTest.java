package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * Two connector processes with the same configuration, one PostgreSQL checkpoint and one cluster
 * folder ({@code FileLockClusterService}): only the node leading {@code halo-default} polls; the
 * other is ready as a standby. When the leader dies (kill -9) or stops (SIGTERM) mid-catch-up,
 * the standby takes over within 15 s, every event arrives, repeats stay within the pages in
 * flight, and the two nodes never deliver at the same time (each node sends its own
 * {@code hec.host}; the receiver stamps each request).
 */
class TwoNodeFailoverTest {
    private static final int EVENTS = 50_000;
    private static final int PER_PAGE = 200;
    /** hec.maxInFlight: a kill repeats at most this many pages. */
    private static final int IN_FLIGHT = 4;
    /** The takeover the documented cluster settings promise (docs/cluster.md). */
    private static final Duration TAKEOVER = Duration.ofSeconds(15);
    @RegisterExtension
    static final PostgresDatabases POSTGRES = new PostgresDatabases();

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private final Map<String, Node> nodes = new HashMap<>();
    private String url;

    /** One connector process, its name (its hec.host and cluster id) and its management port. */
    private record Node(String name, ConnectorProcess process, int port) {
    }

    /** One accepted HEC request and the node that sent it. */
    private record Delivery(String node, Instant at, int events) {
    }

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.create("cluster");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Node node : nodes.values()) {
            node.process().close();
            // who held the lock when, and any error: what a failed run needs
            node.process().stderr().lines().filter(l -> l.contains("[FileLockClusterView] Lock") || l.contains(" ERROR "))
                    .limit(20).forEach(l -> print("%s log: %s", node.name(), l));
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
    void theStandbyTakesOverWithin15SecondsOfAKillNineAndTheNodesNeverDeliverTogether() throws Exception {
        Set<String> expected = startBoth(EVENTS, Duration.ZERO);
        Node leader = leader();
        Node standby = other(leader);
        assertRole(standby, "standby", 0);
        long seed = System.nanoTime();
        int killAt = 5_000 + new Random(seed).nextInt(EVENTS / 2);
        print("two nodes, kill -9: %d events, halo.perPage=%d, %s leads; killed after %d received (seed %d)", EVENTS,
                PER_PAGE, leader.name(), killAt, seed);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> receiver.received().size() >= killAt);
        Instant killedAt = Instant.now();
        leader.process().kill();
        int receivedAtKill = receiver.received().size();

        Instant firstByStandby = firstDelivery(standby);
        Duration takeover = Duration.between(killedAt, firstByStandby);
        assertRole(standby, "active", 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        assertThat(standby.process().terminate(20)).as("exit code after SIGTERM").isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        int repeats = Reliability.repeats(ids);
        print("two nodes, kill -9: %d received at the kill, takeover %d ms from the kill to %s's first delivery, %d repeats"
                + " (bound %d)", receivedAtKill, takeover.toMillis(), standby.name(), repeats, IN_FLIGHT * PER_PAGE);
        assertThat(takeover).as("kill -9 to the standby's first delivery").isLessThanOrEqualTo(TAKEOVER);
        assertThat(new HashSet<>(ids)).as("every event arrived, nothing else").isEqualTo(expected);
        assertThat(repeats).as("repeats: at most the pages in flight").isLessThanOrEqualTo(IN_FLIGHT * PER_PAGE);
        assertOneNodeAtATime(leader, standby);
        assertThat(deliveries()).filteredOn(d -> d.node().equals(standby.name()))
                .allMatch(d -> d.at().isAfter(killedAt), "the standby delivers nothing before the kill");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSigtermOfTheLeaderHandsOverWithoutARepeat() throws Exception {
        // 100 ms a request: the catch-up lasts a few seconds, so the SIGTERM falls in the middle of it
        Set<String> expected = startBoth(EVENTS / 2, Duration.ofMillis(100));
        Node leader = leader();
        Node standby = other(leader);
        assertRole(standby, "standby", 0);
        int stopAt = 3_000 + new Random().nextInt(EVENTS / 8);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> receiver.received().size() >= stopAt);
        Instant stoppedAt = Instant.now();
        int receivedAtStop = receiver.received().size();
        assertThat(leader.process().terminate(20)).as("the leader's exit code after SIGTERM").isZero();
        Duration stop = Duration.between(stoppedAt, Instant.now());
        int receivedAtExit = receiver.received().size();
        // a fast leader may finish the backlog while it stops: events created now can only come from the standby
        simulator.events().generate(48, Instant.now().minusSeconds(20), Instant.now().minusSeconds(1), 500);
        Set<String> all = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());

        Instant firstByStandby = firstDelivery(standby);
        Duration takeover = Duration.between(stoppedAt, firstByStandby);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= all.size());
        assertThat(standby.process().terminate(20)).isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        print("two nodes, SIGTERM at %d of %d events: %s stopped in %d ms with %d delivered, %s's first delivery %d ms"
                + " after the SIGTERM, %d repeats", receivedAtStop, expected.size(), leader.name(), stop.toMillis(),
                receivedAtExit, standby.name(), takeover.toMillis(), Reliability.repeats(ids));
        assertThat(takeover).isLessThanOrEqualTo(TAKEOVER);
        // the leader commits what it delivered before it lets the lock go: the standby reads that checkpoint
        Reliability.assertExactlyOnce(ids, all);
        assertOneNodeAtATime(leader, standby);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSigtermOfTheLeaderWithSplunkAnsweringAfter4sFinishesItsPostsStartsNothingAndTheNewLeaderRepeatsNothing()
            throws Exception {
        // the defaults: pages of 500 in one POST each, 8 in flight; each answered 4 s after it arrived
        Set<String> expected = startBoth(12_000, Duration.ZERO, SigtermTest.SPLUNK_ANSWER,
                Map.of("halo.perPage", "500", "hec.batch.events", "500", "hec.maxInFlight", "8"));
        Node leader = leader();
        Node standby = other(leader);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 3_000);

        StopFigures stop = StopFigures.sigterm(leader.process(), receiver, simulator);
        int leaderPostsAfter = (int) deliveries().stream()
                .filter(d -> d.node().equals(leader.name()) && d.at().isAfter(stop.startedAfter())).count();
        Instant firstByStandby = firstDelivery(standby);
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= expected.size());
        assertThat(standby.process().terminate(20)).isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        print("two nodes, SIGTERM with HEC answering after %d s: %s stopped in %.1f s (exit %d), %d events received at the"
                        + " signal, %d POSTs (%d events) and %d Halo requests started after it; %s's first delivery %d ms after"
                        + " the signal; %d repeats",
                SigtermTest.SPLUNK_ANSWER.toSeconds(), leader.name(), stop.seconds(), stop.exit(), stop.receivedAtSignal(),
                stop.postsAfter(), stop.eventsAfter(), stop.haloRequestsAfter(), standby.name(),
                Duration.between(stop.signal(), firstByStandby).toMillis(), Reliability.repeats(ids));
        assertThat(Duration.between(stop.signal(), firstByStandby)).isLessThanOrEqualTo(TAKEOVER);
        assertThat(stop.exit()).as("the leader's exit code after SIGTERM").isZero();
        stop.assertStartedNothingAndFinishedThePostsInFlight(leader.process());
        assertThat(leaderPostsAfter).as("POSTs of the leader after the signal").isZero();
        Reliability.assertExactlyOnce(ids, expected);
        assertOneNodeAtATime(leader, standby);
    }

    /** When {@code node}'s first request reached the receiver (waiting for it at most 30 s). */
    private Instant firstDelivery(Node node) {
        try {
            await().atMost(TAKEOVER.plusSeconds(15)).until(() -> deliveries().stream().anyMatch(d -> d.node().equals(node.name())));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // what each node said, to tell a takeover that did not happen from a backlog the leader finished
            nodes.values().forEach(each -> print("two nodes: %s's log ends with%n%s", each.name(),
                    tail(each.process().stderr(), 40)));
            print("two nodes: %d received of the backlog", receiver.received().size());
            throw e;
        }
        return deliveries().stream().filter(d -> d.node().equals(node.name())).findFirst().orElseThrow().at();
    }

    /** The last {@code lines} lines of a log. */
    private static String tail(String log, int lines) {
        List<String> all = log.lines().toList();
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Two nodes, same configuration, started together on a simulator answering after {@code haloLatency}; the expected event ids. */
    private Set<String> startBoth(int events, Duration haloLatency) throws IOException {
        return startBoth(events, haloLatency, Duration.ZERO, Map.of());
    }

    /** As {@link #startBoth(int, Duration)}, with HEC answering each POST after {@code hecAnswer} and {@code extra} properties. */
    private Set<String> startBoth(int events, Duration haloLatency, Duration hecAnswer, Map<String, String> extra)
            throws IOException {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(haloLatency).build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).answerDelay(hecAnswer).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(47, start, Instant.now().minusSeconds(30), events);
        for (String name : List.of("node-a", "node-b")) {
            int port = freePort();
            Map<String, String> props = properties(start, name, port);
            props.putAll(extra);
            nodes.put(name, new Node(name, ConnectorProcess.start(work.resolve(name), props, env(), List.of()), port));
        }
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    /** The node whose events arrive first; its readiness says so too. */
    private Node leader() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.received().isEmpty());
        Node leader = nodes.get(receiver.received().get(0).get("host").asText());
        assertRole(leader, "active", 1);
        return leader;
    }

    private Node other(Node node) {
        return nodes.values().stream().filter(n -> n != node).findFirst().orElseThrow();
    }

    /** The same properties on each node but its name: the cluster id, and the hec.host the receiver tells it by. */
    private Map<String, String> properties(Instant start, String name, int port) {
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start,
                work.resolve(name)), receiver.baseUrl());
        props.putAll(Reliability.readmePostgresState(url));
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("hec.maxInFlight", Integer.toString(IN_FLIGHT));
        props.put("hec.batch.events", "100"); // two POSTs a page: the kill can fall between them
        props.put("hec.host", name);
        // README's cluster settings for a shared folder (Several nodes)
        props.putAll(Readme.recipe("several-nodes-properties").rewrite(Map.of(
                "cluster.id = node-a", "cluster.id = " + name,
                "/srv/halo-cluster", work.resolve("cluster").toString())).properties());
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        return props;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(Reliability.secrets(simulator.apiSecret()));
        env.putAll(Reliability.readmePostgresPassword(POSTGRES.server().password()));
        return env;
    }

    /** Each accepted request with the node that sent it (the hec.host of its envelopes), in arrival order. */
    private List<Delivery> deliveries() {
        List<HecReceiver.AcceptedRequest> requests = receiver.acceptedRequests();
        List<JsonNode> envelopes = receiver.received();
        List<Delivery> deliveries = new ArrayList<>();
        int next = 0;
        for (HecReceiver.AcceptedRequest request : requests) {
            if (next + request.events() > envelopes.size()) {
                break; // accepted between the two reads
            }
            Set<String> hosts = envelopes.subList(next, next + request.events()).stream().map(e -> e.get("host").asText())
                    .collect(Collectors.toSet());
            assertThat(hosts).as("one node per request").hasSize(1);
            deliveries.add(new Delivery(hosts.iterator().next(), request.acceptedAt(), request.events()));
            next += request.events();
        }
        return deliveries;
    }

    /** Every delivery of the first node comes before every delivery of the second: never both at once. */
    private void assertOneNodeAtATime(Node first, Node second) {
        List<Delivery> deliveries = deliveries();
        Instant lastOfFirst = deliveries.stream().filter(d -> d.node().equals(first.name())).map(Delivery::at)
                .max(Instant::compareTo).orElseThrow();
        Instant firstOfSecond = deliveries.stream().filter(d -> d.node().equals(second.name())).map(Delivery::at)
                .min(Instant::compareTo).orElseThrow();
        long switches = 0;
        for (int i = 1; i < deliveries.size(); i++) {
            if (!deliveries.get(i).node().equals(deliveries.get(i - 1).node())) {
                switches++;
            }
        }
        print("two nodes: %s delivered until %s, %s from %s (gap %d ms)", first.name(), lastOfFirst, second.name(),
                firstOfSecond, Duration.between(lastOfFirst, firstOfSecond).toMillis());
        assertThat(switches).as("deliveries change node once").isEqualTo(1);
        assertThat(lastOfFirst).as("the first node's last delivery is before the second node's first").isBefore(firstOfSecond);
    }

    /** Readiness says {@code poller=<role>} (ready either way) and the gauge {@code halo_poller_active} is {@code gauge}. */
    private static void assertRole(Node node, String role, int gauge) throws Exception {
        HttpResponse<String> ready = get(node, "/observe/health/ready?exposureLevel=full&data=true");
        String metrics = get(node, "/observe/metrics").body();
        print("two nodes: %s readiness %d %s; %s", node.name(), ready.statusCode(), connectorCheck(ready.body()),
                metrics.lines().filter(l -> l.startsWith("halo_poller_active")).findFirst().orElse("(no gauge)"));
        assertThat(ready.body().replace(" ", "")).contains("\"poller\":\"" + role + "\"");
        if (role.equals("standby")) {
            assertThat(ready.statusCode()).as("a standby is ready").isEqualTo(200);
            assertThat(ready.body()).contains("another node polls this account");
        }
        assertThat(metrics).contains("halo_poller_active{account=\"default\"} " + gauge + ".0");
        // the console says the same, in both forms
        JsonNode console = HaloJson.MAPPER.readTree(get(node, "/q/dev/halo", "application/json").body()).at("/halo/accounts/0");
        assertThat(console.at("/leadership/clustered").asBoolean()).as("console: clustered").isTrue();
        assertThat(console.at("/leadership/leader").asBoolean()).as("console: leader").isEqualTo(gauge == 1);
        assertThat(get(node, "/q/dev/halo", "text/plain").body()).contains(gauge == 1
                ? "Account default (leader: this node polls it)" : "Account default (standby: another node polls it)");
    }

    /** The connector's entry of a readiness body (the route and consumer entries say nothing here). */
    private static String connectorCheck(String body) {
        int at = body.indexOf("{\"name\":\"connector\"");
        return at < 0 ? body : body.substring(at);
    }

    private static HttpResponse<String> get(Node node, String path) throws IOException, InterruptedException {
        return get(node, path, "*/*");
    }

    private static HttpResponse<String> get(Node node, String path, String accept) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
