package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.LogCapture;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.AccountsFile;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Several Halo accounts in one connector, each a templatedRoute of the halo-account template in an
 * accounts file of the test's own, each with its own Halo simulator (its own key), delivering to
 * one HEC receiver: each account's events arrive exactly once with its own index, each account has
 * its own metrics and readiness entry, and an account whose key is refused, or whose API answers
 * 429 to most requests, does not hold up the others.
 */
class ManyAccountsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "7c2e9a41-3b5d-4f6a-8e1c-9d0b2a4c6e8f";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    private final List<HaloSimulator> simulators = new ArrayList<>();
    private HecReceiver receiver;
    private URI observe;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        simulators.forEach(HaloSimulator::close);
    }

    private HaloSimulator simulator(SimulatorConfig.Builder config, int seed, int events, Instant start) throws IOException {
        HaloSimulator simulator = HaloSimulator.start(config.build());
        simulators.add(simulator);
        simulator.events().generate(seed, start, Instant.now().minusSeconds(60), events);
        return simulator;
    }

    /** One templatedRoute; the secret is read from the property {@code test.<name>.secret}. */
    private static String account(String name, HaloSimulator simulator, String index) {
        return new AccountsFile().account(name, simulator.apiKey(), "test." + name + ".secret",
                Map.of("url", simulator.baseUrl().toString(), "index", index)).toString();
    }

    private Map<String, String> properties(HaloSimulator any, Path accounts, Instant start) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        observe = URI.create("http://127.0.0.1:" + port);
        Map<String, String> props = RunningConnector.properties(any, work);
        props.put("camel.main.routesIncludePattern", "file:routes/halo-events.yaml,file:routes/output-hec.yaml,file:" + accounts);
        props.put("halo.start", start.toString());
        props.put("halo.perPage", "100");
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("hec.retry.maxDelay", "200ms");
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        return props;
    }

    @Test
    void aRevokedKeyAndA429StormOnTwoAccountsDoNotHoldUpTheThird() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(24));
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        HaloSimulator prod = simulator(SimulatorConfig.builder().apiKey("key-prod").latency(Duration.ofMillis(5)), 61, 3000, start);
        HaloSimulator staging = simulator(SimulatorConfig.builder().apiKey("key-staging"), 62, 500, start);
        // most of acme's requests are refused with 429: its retries and waits are its own
        HaloSimulator acme = simulator(SimulatorConfig.builder().apiKey("key-acme").rateLimitPerSecond(2), 63, 1500, start);
        Path accounts = work.resolve("accounts.yaml");
        Files.writeString(accounts, account("prod", prod, "halo_prod") + account("staging", staging, "halo_staging")
                + account("acme", acme, "halo_acme"));
        Map<String, String> props = properties(prod, accounts, start);
        props.put("test.prod.secret", prod.apiSecret());
        props.put("test.staging.secret", "revoked-" + staging.apiSecret());
        props.put("test.acme.secret", acme.apiSecret());
        props.put("halo.retry.maxAttempts", "20");

        try (LogCapture logs = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            Instant started = Instant.now();
            await().atMost(WAIT).until(() -> ids(received("halo_prod")).size() >= 3000);
            Duration prodTook = Duration.between(started, Instant.now());
            int acmeAtProdDone = ids(received("halo_acme")).size();
            // by then staging's key was refused at least twice: its failing polls ran alongside prod's catch-up
            assertThat(count(logs.text(), "Account staging: Poll stopped: Halo at 127.0.0.1:" + staging.baseUrl().getPort() + " refused the API key (HTTP 401"
                    + " from /oauth/access_token): check the key and secret of account staging")).isGreaterThanOrEqualTo(1);
            await().atMost(WAIT).until(() -> ids(received("halo_acme")).size() >= 1500);
            Duration acmeTook = Duration.between(started, Instant.now());
            System.out.printf("prod's 3,000 events took %d ms; acme's 1,500 at 2 requests/s took %d ms (%d of them were"
                    + " in when prod was done)%n", prodTook.toMillis(), acmeTook.toMillis(), acmeAtProdDone);
            // prod did not wait for acme's 429s: it was done while acme was still being held back
            assertThat(acmeAtProdDone).isLessThan(1500);

            assertExactlyOnce(received("halo_prod"), prod);
            assertExactlyOnce(received("halo_acme"), acme);
            assertThat(received("halo_staging")).isEmpty();
            assertThat(receiver.received()).allSatisfy(envelope ->
                    assertThat(envelope.get("index").asText()).isIn("halo_prod", "halo_acme"));
            assertThat(acme.stats().statusCounts().getOrDefault(429, 0L)).as("acme met 429s").isPositive();

            String metrics = get("/observe/metrics").body();
            assertThat(sample(metrics, "halo_events_delivered_total{account=\"prod\"}")).isEqualTo(3000);
            assertThat(sample(metrics, "halo_events_delivered_total{account=\"acme\"}")).isEqualTo(1500);
            assertThat(sample(metrics, "halo_events_delivered_total{account=\"staging\"}")).isZero();
            assertThat(metrics).containsPattern("halo_api_requests_total\\{account=\"staging\",endpoint=\"token\",status=\"401\"} [1-9]")
                    .containsPattern("halo_api_requests_total\\{account=\"acme\",endpoint=\"events\",status=\"429\"} [1-9]");
            // readiness: down while staging is refused, and the body names the account and why
            HttpResponse<String> ready = get("/observe/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("halo-account-staging").contains("refused the API key")
                    .contains("halo-account-prod").contains("halo-account-acme");
            assertThat(logs.text()).doesNotContain(staging.apiSecret()).doesNotContain(prod.apiSecret());
        }
    }

    @Test
    void readmesSecondAccountIsPolledBesideTheShippedOneIntoItsOwnIndex() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        HaloSimulator main = simulator(SimulatorConfig.builder().apiKey("key-main"), 65, 400, start);
        HaloSimulator staging = simulator(SimulatorConfig.builder().apiKey("key-staging"), 66, 300, start);
        // the shipped accounts file (its account default reads halo.api.*), then README's account,
        // which leaves url at Halo's own: the test adds the url parameter for its simulator
        Path accounts = work.resolve("halo-accounts.yaml");
        Files.writeString(accounts, Files.readString(Path.of("routes", "halo-accounts.yaml")) + "\n"
                + Readme.recipe("several-accounts-yaml").rewrite(Map.of(
                        "0a1b2c3d4e5f", staging.apiKey(),
                        "      - name: index", "      - name: url\n        value: " + staging.baseUrl() + "\n      - name: index")).text());
        Map<String, String> props = properties(main, accounts, start);
        // README's secretFrom names an environment variable; failing that a property of that name is read
        props.put("HALO_STAGING_SECRET", staging.apiSecret());

        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 700);
            assertExactlyOnce(received("halo_staging"), staging);
            assertExactlyOnce(received(""), main);
            String metrics = get("/observe/metrics").body();
            assertThat(sample(metrics, "halo_events_delivered_total{account=\"staging\"}")).isEqualTo(300);
            assertThat(sample(metrics, "halo_events_delivered_total{account=\"default\"}")).isEqualTo(400);
        }
    }

    @Test
    void twoAccountsWithOneKeyIdOrOneStateKeyAreRefusedAtStart() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        HaloSimulator halo = simulator(SimulatorConfig.builder(), 64, 10, start);
        Path accounts = work.resolve("accounts.yaml");
        Files.writeString(accounts, account("east", halo, "a") + account("west", halo, "b"));
        Map<String, String> props = properties(halo, accounts, start);
        props.put("test.east.secret", halo.apiSecret());
        props.put("test.west.secret", halo.apiSecret());
        assertThatThrownBy(() -> RunningConnector.start(props).close()).hasStackTraceContaining(
                "accounts east and west use the same API key id " + halo.apiKey()
                        + ": one key is one Halo account, polled once (remove one of them)");

        Files.writeString(accounts, account("east", halo, "a") + new AccountsFile().account("west", "other-key",
                "test.west.secret", Map.of("url", halo.baseUrl().toString(), "stateKey", "east")));
        assertThatThrownBy(() -> RunningConnector.start(props).close()).hasStackTraceContaining(
                "accounts east and west have the same state key 'east': each account needs its own checkpoint");
    }

    private List<JsonNode> received(String index) {
        return receiver.received().stream().filter(e -> index.equals(e.path("index").asText())).toList();
    }

    private static Set<String> ids(List<JsonNode> envelopes) {
        return envelopes.stream().map(e -> e.get("event").get("id").asText()).collect(Collectors.toSet());
    }

    private static void assertExactlyOnce(List<JsonNode> envelopes, HaloSimulator simulator) {
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        assertThat(new HashSet<>(ids(envelopes))).isEqualTo(expected);
        assertThat(envelopes).hasSize(expected.size());
    }

    private static long count(String text, String needle) {
        return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(observe.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double sample(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+|NaN)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
