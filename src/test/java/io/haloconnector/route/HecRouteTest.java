package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.Keytool;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * halo.output=hec end to end: the YAML route polls the simulator and delivers to the project's
 * strict HEC receiver over loopback. Each test checks that every event arrives exactly once.
 */
class HecRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "0f3d4c2b-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private Instant start;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private Map<String, String> setUp(SimulatorConfig.Builder halo, HecReceiverConfig.Builder hec, int events) throws Exception {
        simulator = HaloSimulator.start(halo.build());
        receiver = HecReceiver.start(hec.token(TOKEN).build());
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(24));
        simulator.events().generate(41, start, Instant.now().minusSeconds(60), events);
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("hec.retry.maxDelay", "200ms");
        props.put("hec.ack.pollInterval", "50ms");
        return props;
    }

    private Set<String> expectedIds() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static List<String> ids(List<JsonNode> envelopes) {
        return envelopes.stream().map(e -> e.get("event").get("id").asText()).toList();
    }

    private void assertExactlyOnce(List<JsonNode> envelopes) {
        List<String> ids = ids(envelopes);
        assertThat(new HashSet<>(ids)).isEqualTo(expectedIds());
        assertThat(ids).hasSize(expectedIds().size());
    }

    @Test
    void theOutputPageRouteTakesAsManyPagesAtOnceAsHecMayHaveInFlightAndTheOneWaitingForItsTurn() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 10);
        props.put("hec.maxInFlight", "5");
        try (RunningConnector connector = RunningConnector.start(props)) {
            org.apache.camel.component.seda.SedaEndpoint pages = (org.apache.camel.component.seda.SedaEndpoint)
                    connector.context().getRoute("halo-output-page").getEndpoint();
            // the page waiting for its turn, encoded, holds a consumer too: it goes the moment one is committed
            assertThat(pages.getConcurrentConsumers()).as("consumers of the output page queue").isEqualTo(6);
            await().atMost(WAIT).until(() -> receiver.received().size() >= 10);
        }
    }

    @Test
    void atOnePageInFlightThePageWaitingForItsTurnGoesToHecOnlyOnceTheOneAtHecIsCommitted() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 500);
        props.put("halo.perPage", "100"); // five pages: one at HEC, the next handed over to wait for its turn
        props.put("hec.maxInFlight", "1");
        receiver.faults().slow(Duration.ofSeconds(3)); // the first page's request is answered 3 s after it arrived
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.faults().pending() == 0);
            long requests = receiver.stats().requests();
            // while HEC holds page 1 no request of page 2 arrives: a kill -9 now repeats one page only
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofMillis(2500))
                    .until(() -> receiver.stats().requests() == requests);
            await().atMost(WAIT).until(() -> receiver.received().size() >= 500);
            assertExactlyOnce(receiver.received());
        }
    }

    @Test
    void deliversEveryEventOnceInGzippedBatchesWithMillisecondTime() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 1200);
        Map<String, JsonNode> halo = simulator.events().all().stream()
                .collect(Collectors.toMap(e -> e.get("id").asText(), e -> e));

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= halo.size());
        }
        assertExactlyOnce(receiver.received());
        for (JsonNode envelope : receiver.received()) {
            JsonNode event = envelope.get("event");
            // the Halo event unchanged (compared as parsed by one mapper: 4.3 stays 4.3)
            assertThat(HaloJson.MAPPER.readTree(event.toString())).isEqualTo(HaloJson.MAPPER.readTree(halo.get(event.get("id").asText()).toString()));
            Instant createdAt = Instant.parse(event.get("created_at").asText());
            assertThat(envelope.get("time").decimalValue())
                    .isEqualByComparingTo(BigDecimal.valueOf(createdAt.toEpochMilli()).movePointLeft(3));
            assertThat(envelope.get("sourcetype").asText()).isEqualTo("cp_halo");
            assertThat(envelope.get("source").asText()).isEqualTo("halo:events");
            assertThat(envelope.get("fields").get("halo_event_type").asText()).isEqualTo(event.get("type").asText());
        }
        assertThat(receiver.stats().gzipRequests()).as("plain bodies by default").isZero();
        assertThat(receiver.stats().requests()).isPositive();
    }

    @Test
    void aBusyBurstAndAnOutagePausePollingAndLoseNothing() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder().latency(Duration.ofMillis(10)),
                HecReceiverConfig.builder(), 3000);
        props.put("halo.perPage", "50");
        props.put("hec.maxInFlight", "4");
        receiver.faults().busy(5);

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 500);
            receiver.faults().setOutage(true);
            // the route is blocked in the HEC sink, which retries and then watches HEC's health
            await().atMost(WAIT).until(() -> countContaining(logs, "HEC health check") >= 5);
            long haloRequests = simulator.stats().eventsRequests();
            await().atMost(WAIT).until(() -> countContaining(logs, "HEC health check") >= 15);
            assertThat(simulator.stats().eventsRequests()).as("no Halo polling while HEC is down").isEqualTo(haloRequests);
            receiver.faults().setOutage(false);
            await().atMost(WAIT).until(() -> new HashSet<>(ids(receiver.received())).containsAll(expectedIds()));
            // the outage resets open connections at once: a POST the receiver had read but not yet
            // answered is sent again (README, Guarantees), at most one batch per page in flight
            List<String> ids = ids(receiver.received());
            assertThat(new HashSet<>(ids)).isEqualTo(expectedIds());
            assertThat(ids.size() - expectedIds().size()).as("repeats: at most the batches in flight when HEC went down")
                    .isLessThanOrEqualTo(4 * 50);
            assertThat(logs.text()).contains("code 9").doesNotContain(TOKEN);
        }
    }

    private static long countContaining(LogCapture logs, String text) {
        return logs.everything().stream().filter(line -> line.contains(text)).count();
    }

    @Test
    void aRefusedTokenIsReportedAndTheRightOneResumesDelivery() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 400);
        receiver.faults().setToken("a-different-token");

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> logs.text().contains("check hec.token"));
            assertThat(logs.everything()).anySatisfy(line -> assertThat(line).contains("code 4").contains("check hec.token"));
            receiver.faults().setToken(TOKEN);
            await().atMost(WAIT).until(() -> receiver.received().size() >= 400);
            assertExactlyOnce(receiver.received());
            assertThat(logs.text()).doesNotContain(TOKEN).doesNotContain("Splunk " + TOKEN.substring(0, 8));
        }
    }

    @Test
    void aBadEventIsDeadLetteredWhileItsNeighboursArrive() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 300);
        String bad = simulator.events().all().get(123).get("id").asText();
        receiver.faults().refuseEvents(event -> bad.equals(event.path("id").asText()), 6);

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 299);
            Path deadLetters = work.resolve("state").resolve("hec-dead-letter.jsonl");
            await().atMost(WAIT).until(() -> Files.exists(deadLetters));
            List<String> lines = Files.readAllLines(deadLetters);
            assertThat(lines).hasSize(1);
            JsonNode letter = HaloJson.MAPPER.readTree(lines.get(0));
            assertThat(letter.get("event").get("id").asText()).isEqualTo(bad);
            assertThat(letter.get("reason").asText()).contains("code 6");
        }
        Set<String> delivered = receiver.received().stream().map(e -> e.get("event").get("id").asText()).collect(Collectors.toSet());
        Set<String> others = new HashSet<>(expectedIds());
        others.remove(bad);
        assertThat(delivered).isEqualTo(others);
        assertThat(receiver.received()).hasSize(others.size());
    }

    @Test
    void withAcknowledgementTheCheckpointWaitsForLateAcks() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder().ackEnabled(true), 600);
        props.put("hec.ack", "true");
        props.put("halo.perPage", "200");
        receiver.faults().delayAcks(Duration.ofMillis(700));

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 600);
            await().atMost(WAIT).until(() -> Files.readString(work.resolve("state/checkpoint.json"))
                    .contains(simulator.events().all().get(599).get("created_at").asText()));
        }
        assertExactlyOnce(receiver.received());
        assertThat(receiver.receivedUnacked()).isEmpty();
    }

    @Test
    void readmesSettingsDeliverOverHttpsWithATrustStoreInTheEnvelopeReadmeShows() throws Exception {
        Path keyStore = work.resolve("hec.p12");
        Path trustStore = work.resolve("trust.p12");
        Keytool.selfSignedForLoopback(keyStore, trustStore, "changeit");
        Map<String, String> props = setUp(SimulatorConfig.builder(),
                HecReceiverConfig.builder().tlsKeyStore(keyStore, "changeit"), 200);
        assertThat(receiver.baseUrl().getScheme()).isEqualTo("https");
        props.keySet().removeIf(key -> key.equals("halo.output") || key.equals("hec.url"));
        props.putAll(Readme.recipe("hec-properties").rewrite(Map.of(
                "https://splunk.example.com:8088", receiver.baseUrl().toString(),
                "/etc/halo-connector/splunk-ca.p12", trustStore.toString())).properties());
        // README gives the trust store's password as HEC_TLS_TRUSTSTOREPASSWORD (and the token as HEC_TOKEN); this JVM's environment is fixed
        props.put("hec.tls.trustStorePassword", "changeit");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 200);
        }
        assertExactlyOnce(receiver.received());

        // each envelope has the fields README's sample shows, the index README's settings name
        JsonNode sample = HaloJson.MAPPER.readTree(Readme.recipe("hec-envelope")
                .rewrite(Map.of("{ ...the Halo event, unchanged... }", "{}")).text());
        for (JsonNode envelope : receiver.received()) {
            assertThat(fieldNames(envelope)).as("an envelope's fields").isEqualTo(fieldNames(sample));
            assertThat(fieldNames(envelope.get("fields"))).isEqualTo(fieldNames(sample.get("fields")));
            assertThat(envelope.get("index").asText()).isEqualTo("cloudpassage");
            assertThat(envelope.get("source")).isEqualTo(sample.get("source"));
            assertThat(envelope.get("sourcetype")).isEqualTo(sample.get("sourcetype"));
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aHecAddressThatRefusesConnectionsIsOneErrorLinePerAttempt() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 100);
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            props.put("hec.url", "http://127.0.0.1:" + closed.getLocalPort());
        }
        assertOneErrorLinePerAttempt(props, "Connection refused", "check hec.url");
    }

    @Test
    void aHecThatResetsEveryConnectionIsOneErrorLinePerAttempt() throws Exception {
        Map<String, String> props = setUp(SimulatorConfig.builder(), HecReceiverConfig.builder(), 100);
        receiver.faults().setOutage(true);
        assertOneErrorLinePerAttempt(props, "gave no answer (", "check hec.url");
    }

    @Test
    void aHecCertificateThatIsNotTrustedIsOneErrorLinePerAttempt() throws Exception {
        Path keyStore = work.resolve("hec.p12");
        Keytool.selfSignedForLoopback(keyStore, work.resolve("trust.p12"), "changeit");
        Map<String, String> props = setUp(SimulatorConfig.builder(),
                HecReceiverConfig.builder().tlsKeyStore(keyStore, "changeit"), 100);
        assertOneErrorLinePerAttempt(props, "failed the TLS handshake", "check hec.tls.trustStore");
    }

    /**
     * Runs the connector at INFO, then at DEBUG, each time until HEC failed three times: at INFO each
     * failed request is one ERROR line naming HEC's host:port, the reason and the setting to check,
     * with no WARN, no stack trace and no token; at DEBUG the stack trace follows.
     */
    private void assertOneErrorLinePerAttempt(Map<String, String> props, String reason, String setting) throws Exception {
        String address = URI.create(props.get("hec.url")).getAuthority();
        for (Level level : List.of(Level.INFO, Level.DEBUG)) {
            try (LogCapture logs = new LogCapture(level); RunningConnector connector = RunningConnector.start(props)) {
                await().atMost(WAIT).until(() -> logs.lines(Level.ERROR).stream().filter(line -> line.contains(reason)).count() >= 3);
                if (level == Level.INFO) {
                    assertThat(logs.oneLineErrors()).as("one line per failed request").allSatisfy(line -> assertThat(line)
                            .matches("HEC (health check )?at " + Pattern.quote(address) + " .*").contains(setting));
                } else {
                    logs.assertStackTraceOf(reason);
                }
                assertThat(logs.text()).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(0, 8));
            }
        }
        assertThat(receiver.received()).isEmpty();
    }
}
