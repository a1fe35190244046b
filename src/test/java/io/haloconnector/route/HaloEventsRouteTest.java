package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import io.haloconnector.Keytool;
import io.haloconnector.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.LiveAppender;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The YAML route end to end: camel-main, real HTTP over loopback to the Halo simulator, real
 * files and checkpoint. Every test checks that each event arrives exactly once.
 */
class HaloEventsRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path work;

    private HaloSimulator simulator;

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private HaloSimulator simulator(SimulatorConfig.Builder config) throws Exception {
        simulator = HaloSimulator.start(config.build());
        return simulator;
    }

    private static Instant hoursAgo(int hours) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(hours));
    }

    /** A burst of {@code n} events sharing one created_at, as a scan reports them. */
    private static void addBurst(HaloSimulator simulator, Instant at, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            ObjectNode event = HaloJson.MAPPER.createObjectNode();
            event.put("id", prefix + String.format("%030x", i));
            event.put("type", "sca_rule_failed");
            event.put("name", "Configuration rule matched");
            event.put("created_at", MILLIS.format(at));
            event.put("critical", i % 2 == 0);
            event.put("message", "burst \"" + prefix + "\" #" + i + " – ü");
            simulator.events().add(event);
        }
    }

    private Set<String> expectedIds(Instant from) {
        return simulator.events().all().stream()
                .filter(e -> !Instant.parse(e.get("created_at").asText()).isBefore(from))
                .map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static void assertExactlyOnce(List<JsonNode> delivered, Set<String> expected) {
        List<String> ids = delivered.stream().map(e -> e.get("id").asText()).toList();
        assertThat(new HashSet<>(ids)).as("delivered ids").isEqualTo(expected);
        assertThat(ids).as("no event twice").hasSameSizeAs(expected);
    }

    private Map<String, String> properties(Instant start) {
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        return props;
    }

    @Test
    void catchesUpOverSeveralCapWindowsWithBurstsAtPageBoundaries() throws Exception {
        simulator(SimulatorConfig.builder().maxResults(100));
        Instant start = hoursAgo(48);
        simulator.events().generate(11, start, hoursAgo(1), 3000);
        // bursts larger than a page, one of them on the cap boundary area, equal timestamps throughout
        addBurst(simulator, hoursAgo(30), 37, "aa");
        addBurst(simulator, hoursAgo(20), 95, "bb");
        addBurst(simulator, start, 13, "cc");
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "10");
        props.put("halo.api.maxResults", "100");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
    }

    @Test
    void aCatchUpAsksForTheNextSliceOfTheWindowWhileTheLastPagesOfOneAreStillOnTheirWay() throws Exception {
        simulator(SimulatorConfig.builder().maxResults(100).latency(Duration.ofMillis(30)));
        Instant start = hoursAgo(48);
        simulator.events().generate(16, start, hoursAgo(1), 3000);
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        // 5 pages per query: the window is read in slices of about 4 pages
        props.put("halo.perPage", "20");
        props.put("halo.api.maxResults", "100");
        props.put("halo.fetch.concurrency", "8");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
        assertThat(simulator.stats().mostQueriesAtOnce()).as("slices with requests open at once").isGreaterThan(1);
        // a slice's pages are asked for only as far as its page 1 counted: nothing is asked in vain
        // but the page 1 of the slices narrowed before they are read
        long pages = expected.size() / 20;
        assertThat(simulator.stats().eventsRequests()).as("requests, against %d full pages", pages)
                .isLessThan(pages * 3 / 2);
    }

    @Test
    void aRestartOnTheSameStateDeliversOnlyNewEventsIncludingTheRestOfABurst() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(10);
        Instant last = hoursAgo(2);
        simulator.events().generate(12, start, last, 800);
        addBurst(simulator, last, 20, "dd");
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "50");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expectedIds(start).size());
        }
        // more events of the burst at the cursor's own timestamp, and newer ones
        addBurst(simulator, last, 30, "de");
        simulator.events().generate(13, last.plusSeconds(1), hoursAgo(1), 200);
        Set<String> expected = expectedIds(start);
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
    }

    @Test
    void aTokenExpiringOrRevokedMidCatchUpLosesNothing() throws Exception {
        simulator(SimulatorConfig.builder().tokenTtl(Duration.ofSeconds(2)).latency(Duration.ofMillis(30)));
        Instant start = hoursAgo(24);
        simulator.events().generate(14, start, hoursAgo(1), 4000);
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "20");
        // two pages at a time, so the catch-up outlasts several 2 s tokens
        props.put("halo.fetch.concurrency", "2");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= 1000);
            simulator.faults().revokeTokens();
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
        assertThat(simulator.stats().tokenRequests()).as("tokens fetched").isGreaterThan(2);
    }

    @Test
    void rateLimitsServerErrorsTruncatedPagesAndResetsAreRetriedWithoutLossOrRepeat() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(12);
        simulator.events().generate(15, start, hoursAgo(1), 600);
        Set<String> expected = expectedIds(start);
        simulator.faults().enqueue(Fault.status(503), Fault.tooManyRequests(1), Fault.status(500),
                Fault.truncatedBody(), Fault.status(502), Fault.connectionReset(), Fault.truncatedBody(), Fault.status(504));
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "25");

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
            assertThat(logs.text()).contains("answered HTTP 503").contains("answered HTTP 429")
                    .contains("not valid JSON").contains("retrying in");
        }
    }

    @Test
    void refusedCredentialsAreReportedClearlyAndRetriedAtEachPoll() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(6);
        simulator.events().generate(16, start, hoursAgo(1), 100);
        Set<String> expected = expectedIds(start);
        simulator.faults().enqueueForToken(Fault.status(401), Fault.status(401));

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(properties(start))) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
            String host = simulator.baseUrl().getHost();
            assertThat(logs.everything()).anySatisfy(line -> assertThat(line)
                    .contains("Halo at " + host + ":" + simulator.baseUrl().getPort() + " refused the API key (HTTP 401")
                    .contains("check halo.api.key and halo.api.secret (or HALO_API_SECRET)"));
        }
    }

    @Test
    void refusedCredentialsAreOneErrorLinePerPoll() throws Exception {
        simulator(SimulatorConfig.builder().apiSecret("s3cr3t-value-4a5b6c"));
        Instant start = hoursAgo(6);
        simulator.events().generate(18, start, hoursAgo(1), 100);
        Map<String, String> props = properties(start);
        props.put("halo.api.secret", "wrong-s3cr3t-7d8e9f");
        assertOneErrorLinePerPoll(props, () -> { }, HALO_AT, "refused the API key (HTTP 401 from /oauth/access_token)",
                "check halo.api.key and halo.api.secret (or HALO_API_SECRET)");
    }

    @Test
    void anApiAddressThatRefusesConnectionsIsOneErrorLinePerPoll() throws Exception {
        simulator(SimulatorConfig.builder());
        Map<String, String> props = properties(hoursAgo(6));
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            props.put("halo.api.url", "http://127.0.0.1:" + closed.getLocalPort());
        }
        props.put("halo.retry.maxAttempts", "3");
        assertOneErrorLinePerPoll(props, () -> { }, HALO_AT, "Connection refused", "check halo.api.url");
    }

    @Test
    void connectionsResetOnEveryAttemptAreOneErrorLinePerPoll() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(6);
        simulator.events().generate(19, start, hoursAgo(1), 100);
        Map<String, String> props = properties(start);
        props.put("halo.retry.maxAttempts", "3");
        props.put("halo.fetch.concurrency", "1");
        // two polls' worth of attempts at page 1 each time the connector starts
        Runnable resets = () -> simulator.faults().enqueue(Collections.nCopies(6, Fault.connectionReset()).toArray(Fault[]::new));
        // HttpClient tells a reset before the answer as "NoHttpResponseException" or "SocketException (Connection reset)"
        assertOneErrorLinePerPoll(props, resets, HALO_AT, "could not be read: ", "check halo.api.url");
    }

    @Test
    void aFullDiskIsOneErrorLinePerPollNamingTheFolder() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(6);
        simulator.events().generate(20, start, hoursAgo(1), 400);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "50");
        try (SmallDisk disk = SmallDisk.mount(work.resolve("small-disk"), 64)) {
            Path events = disk.folder().resolve("events");
            props.put("halo.file.dir", events.toString());
            assertOneErrorLinePerPoll(props, () -> { }, any -> "Poll stopped: Cannot write to the folder " + events,
                    "No space left on device", "free space there or set halo.file.dir to another folder");
        }
    }

    @Test
    void kafkaBrokersThatDoNotAnswerAreOneErrorLinePerPoll() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(6);
        simulator.events().generate(21, start, hoursAgo(1), 100);
        Map<String, String> props = properties(start);
        String brokers;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            brokers = "127.0.0.1:" + closed.getLocalPort();
        }
        props.put("halo.output", "kafka");
        props.put("kafka.brokers", brokers);
        props.put("kafka.timeout", "2s");
        assertOneErrorLinePerPoll(props, () -> { }, any -> "Poll stopped: Kafka at " + brokers + " did not take the page: ",
                "no broker answers in time", "check kafka.brokers and that the brokers run");
    }

    /** The start of the poll's failure line for a Halo request: Halo's host:port. */
    private static final Function<Map<String, String>, String> HALO_AT =
            props -> "Poll stopped: Halo at " + URI.create(props.get("halo.api.url")).getAuthority();

    /**
     * Runs the connector twice, at INFO and at DEBUG, each time until a poll failed: at INFO each
     * failed poll is one ERROR line that starts by naming the receiver ({@code start}), with the reason
     * and the setting to check, no WARN, no stack trace and no secret; at DEBUG the stack trace follows.
     */
    private void assertOneErrorLinePerPoll(Map<String, String> props, Runnable fault, Function<Map<String, String>, String> start,
                                           String reason, String setting) throws Exception {
        for (Level level : List.of(Level.INFO, Level.DEBUG)) {
            fault.run();
            try (LogCapture logs = new LogCapture(level); RunningConnector connector = RunningConnector.start(props)) {
                await().atMost(WAIT).until(() -> logs.lines(Level.ERROR).stream()
                        .filter(line -> line.startsWith("Poll stopped") && line.contains(reason)).count() >= 1);
                if (level == Level.INFO) {
                    assertThat(logs.oneLineErrors()).as("one line per failed poll").isNotEmpty().allSatisfy(line -> assertThat(line)
                            .startsWith(start.apply(props)).contains(reason).contains(setting)
                            .doesNotContain(".."));
                } else {
                    // the full failure is logged just after the one line
                    await().atMost(WAIT).untilAsserted(() -> logs.assertStackTraceOf(reason));
                }
                assertThat(logs.text()).doesNotContain(props.get("halo.api.secret")).doesNotContain(simulator.apiSecret())
                        .doesNotContainIgnoringCase("bearer ").doesNotContainIgnoringCase("authorization:");
            }
        }
    }

    @Test
    void noSecretTokenOrAuthorizationHeaderEverReachesTheLog() throws Exception {
        simulator(SimulatorConfig.builder().apiSecret("s3cr3t-value-9f8e7d").tokenTtl(Duration.ofSeconds(1)));
        Instant start = hoursAgo(6);
        simulator.events().generate(17, start, hoursAgo(1), 300);
        Set<String> expected = expectedIds(start);
        simulator.faults().enqueueForToken(Fault.status(401), Fault.status(500));
        simulator.faults().enqueue(Fault.status(503), Fault.truncatedBody(), Fault.status(403));
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "10");

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            simulator.faults().revokeTokens();
            String basic = Base64.getEncoder().encodeToString((simulator.apiKey() + ":" + simulator.apiSecret())
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(logs.text()).isNotEmpty()
                    .doesNotContain(simulator.apiSecret()).doesNotContain(basic)
                    .doesNotContainIgnoringCase("bearer ").doesNotContainIgnoringCase("authorization:");
            assertThat(logs.text()).contains("denied the key access"); // the 403 was seen and logged
        }
    }

    @Test
    void tokensAndPagesGoThroughTheHttpProxyConfiguredOnCamelHttp() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(6);
        simulator.events().generate(23, start, hoursAgo(1), 400);
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "50");

        try (ForwardProxy proxy = ForwardProxy.start()) {
            props.put("camel.component.http.proxyHost", "127.0.0.1");
            props.put("camel.component.http.proxyPort", Integer.toString(proxy.port()));
            try (RunningConnector connector = RunningConnector.start(props)) {
                await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
                assertExactlyOnce(connector.delivered(), expected);
            }
            assertThat(proxy.paths()).as("requests the proxy carried").contains("/oauth/access_token")
                    .filteredOn("/v1/events"::equals).hasSizeGreaterThanOrEqualTo(8);
            assertThat(proxy.paths()).allMatch(path -> path.equals("/oauth/access_token") || path.equals("/v1/events"));
        }
    }

    @Test
    void tokensAndPagesComeOverHttpsTrustedWithCamelsOwnTlsSettings() throws Exception {
        Path keyStore = work.resolve("halo-server.p12");
        Path trustStore = work.resolve("halo-trust.p12");
        Keytool.selfSignedForLoopback(keyStore, trustStore, "changeit");
        simulator(SimulatorConfig.builder().tls(Keytool.serverTls(keyStore, "changeit")));
        assertThat(simulator.baseUrl().getScheme()).isEqualTo("https");
        Instant start = hoursAgo(6);
        simulator.events().generate(24, start, hoursAgo(1), 300);
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "50");
        // the TLS settings a Camel user already has: camel-main's global SSL context, used by camel-http
        props.put("camel.ssl.enabled", "true");
        props.put("camel.ssl.trustStore", "file:" + trustStore);
        props.put("camel.ssl.trustStorePassword", "changeit");
        props.put("camel.component.https.useGlobalSslContextParameters", "true");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
        assertThat(simulator.stats().tokenRequests()).as("token requests over https").isPositive();
    }

    @Test
    void aPaginationCapLowerThanConfiguredMovesSinceForwardInsteadOfFailing() throws Exception {
        simulator(SimulatorConfig.builder().maxResults(100));
        Instant start = hoursAgo(24);
        simulator.events().generate(18, start, hoursAgo(1), 700);
        addBurst(simulator, hoursAgo(12), 15, "ee");
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "10"); // halo.api.maxResults stays 10000: the simulator answers 422 at page 11

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
            assertThat(logs.text()).contains("Halo refused page 11 (HTTP 422)");
        }
    }

    @Test
    void lateArrivalsWithinLagPlusOverlapAreDeliveredOnce() throws Exception {
        simulator(SimulatorConfig.builder());
        Instant start = hoursAgo(1);
        simulator.events().generate(19, start, Instant.now().minusSeconds(30), 100);
        Map<String, String> props = properties(start);
        props.put("halo.poll.lag", "1s");
        props.put("halo.poll.overlap", "5s");

        try (RunningConnector connector = RunningConnector.start(props)) {
            // half of the new events land up to 5 s in the past, while the connector polls every second
            try (LiveAppender live = simulator.events().startLive(20, 40, 0.5, Duration.ofSeconds(5))) {
                await().atMost(WAIT).until(() -> live.appended() >= 300);
            }
            Set<String> expected = expectedIds(start);
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
    }

    @Test
    void aRateLimitedApiIsFollowedWithoutLossOrRepeat() throws Exception {
        simulator(SimulatorConfig.builder().rateLimitPerSecond(8).latency(Duration.ofMillis(20)));
        Instant start = hoursAgo(24);
        simulator.events().generate(21, start, hoursAgo(1), 1500);
        Set<String> expected = expectedIds(start);
        Map<String, String> props = properties(start);
        props.put("halo.perPage", "50");
        props.put("halo.fetch.concurrency", "8");
        props.put("halo.retry.maxDelay", "2s");

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> connector.delivered().size() >= expected.size());
            assertExactlyOnce(connector.delivered(), expected);
        }
        assertThat(simulator.stats().statusCounts()).as("the limit was reached").containsKey(429);
    }
}
