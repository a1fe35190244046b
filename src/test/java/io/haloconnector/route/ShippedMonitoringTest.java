package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alert rules and the Grafana dashboard of monitoring/ read series the connector serves: every
 * metric name and every label their PromQL selects or groups by is in a real scrape of
 * {@code /observe/metrics} (the connector polling the simulator into the HEC receiver, which refuses
 * one event), and the series the rules count are there at 0 before anything happened to them.
 */
class ShippedMonitoringTest {
    static final Path RULES = Path.of("monitoring/prometheus/halo-connector-alerts.yml");
    static final Path DASHBOARD = Path.of("monitoring/grafana/halo-connector-dashboard.json");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "3e8b1f6d-2c4a-4b9e-9f7d-6a5c3b2e1d0f";
    // the connector's own series: halo_* per account, hec_* for the output
    private static final Pattern METRIC = Pattern.compile("\\b(?:halo|hec)_[a-z0-9_]+\\b");
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:halo|hec)_[a-z0-9_]+)\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on|ignoring|without)\\s*\\(([^)]*)\\)");
    // Prometheus adds these to every scraped series
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void everyMetricAndLabelTheRulesAndTheDashboardUseIsInAScrape() throws Exception {
        Map<String, String> expressions = new LinkedHashMap<>();
        expressions.putAll(ruleExpressions());
        expressions.putAll(dashboardExpressions());
        assertThat(expressions).as("the rules and panels found").hasSizeGreaterThanOrEqualTo(7 + 7);

        Map<String, Set<String>> scraped = scrape();
        for (Map.Entry<String, String> entry : expressions.entrySet()) {
            String where = entry.getKey();
            String expr = entry.getValue();
            Set<String> labels = new HashSet<>(TARGET_LABELS);
            Matcher names = METRIC.matcher(expr);
            assertThat(names.find()).as(where + " reads a metric of the connector: " + expr).isTrue();
            names.reset();
            while (names.find()) {
                assertThat(scraped).as(where + ": " + names.group() + " is served").containsKey(names.group());
                labels.addAll(scraped.get(names.group()));
            }
            Matcher selector = SELECTOR.matcher(expr);
            while (selector.find()) {
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    assertThat(scraped.get(selector.group(1))).as(where + ": label " + matcher.group(1) + " of " + selector.group(1))
                            .contains(matcher.group(1));
                }
            }
            Matcher grouping = GROUPING.matcher(expr);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    assertThat(labels).as(where + ": grouping label " + label.strip()).contains(label.strip());
                }
            }
        }
    }

    @Test
    void theDashboardTakesItsDataSourceAsAVariable() throws IOException {
        JsonNode dashboard = HaloJson.MAPPER.readTree(DASHBOARD.toFile());
        assertThat(dashboard.at("/__inputs/0/name").asText()).isEqualTo("DS_PROMETHEUS");
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo("${DS_PROMETHEUS}");
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            }
        }
        Set<String> titles = new TreeSet<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        assertThat(titles).contains("Cursor lag per account", "Events delivered per second", "Polls and poll failures",
                "Pages in flight", "HEC answers by code", "Dead letters", "Leadership");
    }

    /** Each rule's expression, by alert name. */
    @SuppressWarnings("unchecked")
    static Map<String, String> ruleExpressions() throws IOException {
        Map<String, Object> file = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(RULES));
        Map<String, String> expressions = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.put("alert " + rule.get("alert"), (String) rule.get("expr"));
            }
        }
        return expressions;
    }

    /** Each panel target's expression, by panel title and ref id. */
    private static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode panel : HaloJson.MAPPER.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel " + panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return expressions;
    }

    /** The series names of a scrape of a connector that delivered events and had HEC refuse one, with their labels. */
    private Map<String, Set<String>> scrape() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(5)).build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        simulator.events().generate(71, start, Instant.now().minusSeconds(30), 300);
        String refused = simulator.events().all().get(10).get("id").asText();
        receiver.faults().refuseEvents(event -> refused.equals(event.path("id").asText()), 6);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        URI metrics = URI.create("http://127.0.0.1:" + port + "/observe/metrics");
        HttpClient http = HttpClient.newHttpClient();
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.received().size() >= 299);
            await().atMost(WAIT).until(() -> http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                    .body().contains("hec_events_deadlettered_total 1.0"));
            String body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            // counted from the start at 0, so increase() sees the first one: nothing failed or was set aside here
            assertThat(body).contains("halo_polls_total{account=\"default\",outcome=\"failed\"} 0.0")
                    .contains("halo_events_deadlettered_total{account=\"default\",reason=\"too_large\"} 0.0")
                    .contains("halo_poller_active{account=\"default\"} 1.0");
            return series(body);
        }
    }

    /** Name to label names of every sample line of a Prometheus text scrape. */
    static Map<String, Set<String>> series(String scrape) {
        Map<String, Set<String>> series = new HashMap<>();
        Pattern sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? ");
        Matcher line = sample.matcher(scrape);
        while (line.find()) {
            Set<String> labels = series.computeIfAbsent(line.group(1), name -> new HashSet<>());
            if (line.group(2) != null) {
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(line.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return series;
    }
}
