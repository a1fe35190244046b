package io.haloconnector.kamelet;

import com.fasterxml.jackson.databind.JsonNode;
import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.EventFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.main.Main;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the halo-events-source Kamelet, two Halo accounts (a simulator each), in one
 * camel-main context as a host sets it up: the routes of docs/camel-runtime.md's recipe, from the
 * Kamelet with its parameters to a file per account; no configuration class, no route file of the
 * connector, no halo.* property but the test's small pages and lag. Real HTTP, real checkpoints.
 */
class HaloEventsSourceTwoAccountsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A host's routes with a step that throws on the test account's pages while the test asks it to. */
    private static final String FAILING_HOST_ROUTES = """
            - route:
                id: halo-prod
                from:
                  uri: kamelet:halo-events-source/prod
                  parameters:
                    account: prod
                    apiUrl: "{{prod.apiUrl}}"
                    apiKey: "{{prod.apiKey}}"
                    apiSecretFrom: prod.apiSecret
                    stateDir: "{{prod.stateDir}}"
                    start: "{{host.start}}"
                    pollInterval: "{{host.pollInterval}}"
                  steps:
                    - to:
                        uri: "file:{{prod.outDir}}"
                        parameters:
                          fileName: events.jsonl
                          fileExist: Append
            - route:
                id: halo-test
                from:
                  uri: kamelet:halo-events-source/test
                  parameters:
                    account: test
                    apiUrl: "{{test.apiUrl}}"
                    apiKey: "{{test.apiKey}}"
                    apiSecretFrom: test.apiSecret
                    stateDir: "{{test.stateDir}}"
                    start: "{{host.start}}"
                    pollInterval: "{{host.pollInterval}}"
                  steps:
                    - process:
                        ref: hostFailure
                    - to:
                        uri: "file:{{test.outDir}}"
                        parameters:
                          fileName: events.jsonl
                          fileExist: Append
            """;

    @TempDir
    Path work;

    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
    private final AtomicInteger failingPages = new AtomicInteger();
    private final AtomicInteger failedPages = new AtomicInteger();
    private HaloSimulator prod;
    private HaloSimulator test;
    private Main main;

    @BeforeEach
    void startSimulators() throws IOException {
        prod = HaloSimulator.start(SimulatorConfig.builder().apiKey("prod-key").apiSecret("prod-secret-4f9a1c").build());
        test = HaloSimulator.start(SimulatorConfig.builder().apiKey("test-key").apiSecret("test-secret-7d2e8b").build());
    }

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
        prod.close();
        test.close();
    }

    private void startHost(String routes) throws Exception {
        Path routesFile = Files.writeString(work.resolve("host-routes.yaml"), routes);
        main = new Main();
        main.addInitialProperty("camel.main.name", "kamelet-host");
        main.addInitialProperty("camel.main.routesIncludePattern", "file:" + routesFile);
        for (String account : List.of("prod", "test")) {
            HaloSimulator simulator = account.equals("prod") ? prod : test;
            main.addInitialProperty(account + ".apiUrl", simulator.baseUrl().toString());
            main.addInitialProperty(account + ".apiKey", simulator.apiKey());
            main.addInitialProperty(account + ".apiSecret", simulator.apiSecret());
            main.addInitialProperty(account + ".stateDir", work.resolve("state-" + account).toString());
            main.addInitialProperty(account + ".outDir", work.resolve("out-" + account).toString());
        }
        main.addInitialProperty("host.start", start.toString());
        main.addInitialProperty("host.pollInterval", "1s");
        // the test's own tunables: small pages, no safety lag, short backoffs
        main.addInitialProperty("halo.perPage", "20");
        main.addInitialProperty("halo.poll.lag", "0s");
        main.addInitialProperty("halo.retry.maxDelay", "200ms");
        main.bind("hostFailure", (Processor) exchange -> {
            if (failingPages.get() > 0) {
                failingPages.decrementAndGet();
                failedPages.incrementAndGet();
                throw new IllegalStateException("the host's route fails this page");
            }
        });
        main.start();
    }

    @Test
    void eachAccountDeliversEveryEventOnceIntoItsOwnFileAndCheckpointAndResumesAfterARestart() throws Exception {
        // at INFO, a host's usual level: Camel's DEBUG lines print the endpoint URIs it resolves, parameters and all
        try (LogCapture logs = new LogCapture(Level.INFO)) {
            prod.events().generate(41, start, Instant.now().minus(Duration.ofHours(1)), 300);
            test.events().generate(42, start, Instant.now().minus(Duration.ofHours(1)), 200);
            startHost(Readme.recipe("kamelet-two-accounts-yaml").text());
            awaitEveryEvent();

            main.stop();
            main = null;
            // more events while the host is down: the restart reads on from each checkpoint
            prod.events().generate(43, Instant.now().minus(Duration.ofMinutes(50)), Instant.now().minusSeconds(5), 70);
            test.events().generate(44, Instant.now().minus(Duration.ofMinutes(50)), Instant.now().minusSeconds(5), 60);
            startHost(Readme.recipe("kamelet-two-accounts-yaml").text());
            awaitEveryEvent();

            String log = logs.text();
            assertThat(log).doesNotContain(prod.apiSecret()).doesNotContain(test.apiSecret());
            assertThat(log).as("no output of the connector's own").doesNotContain("Output stdout");
            for (String account : List.of("prod", "test")) {
                JsonNode checkpoint = HaloJson.MAPPER.readTree(work.resolve("state-" + account + "/checkpoint.json").toFile());
                assertThat(checkpoint.get("output").asText()).as("the checkpoint's output").isEqualTo("kamelet");
                assertThat(checkpoint.get("cursor").asText()).isEqualTo(newest(account.equals("prod") ? prod : test).toString());
            }
            assertThat(main.getCamelContext().getRoutes()).as("no standalone poll route")
                    .noneMatch(route -> route.getRouteId().equals("halo-events") || route.getRouteId().equals("halo-first-poll"));
        }
    }

    @Test
    void camelsOwnDebugAndTraceLinesNeverCarryAnAccountsSecret() throws Exception {
        // a host debugging its routes sets TRACE: Camel then logs the endpoint URIs it resolves, the Kamelet's parameters among them,
        // and its property parser each value it resolves (the standalone app's logback.xml keeps that one at INFO; a host's may not)
        ch.qos.logback.classic.Logger parser = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.camel.component.properties");
        Level parserLevel = parser.getLevel();
        parser.setLevel(Level.TRACE);
        try (LogCapture logs = new LogCapture(Level.TRACE)) {
            prod.events().generate(47, start, Instant.now().minus(Duration.ofHours(1)), 50);
            test.events().generate(48, start, Instant.now().minus(Duration.ofHours(1)), 50);
            startHost(Readme.recipe("kamelet-two-accounts-yaml").text());
            awaitEveryEvent();
            main.stop();
            main = null;

            List<String> lines = logs.printedLines();
            assertThat(lines).as("Camel's lines at TRACE").anyMatch(line -> line.contains("kamelet:halo-events-source"));
            assertThat(lines).as("the property parser's lines").anyMatch(line -> line.contains("DefaultPropertiesParser"));
            assertThat(lines).filteredOn(line -> line.contains(prod.apiSecret()) || line.contains(test.apiSecret())).isEmpty();
        } finally {
            parser.setLevel(parserLevel);
        }
    }

    @Test
    void aPageTheHostRouteThrowsOnIsNotCommittedAndArrivesOnceLater() throws Exception {
        test.events().generate(45, start, Instant.now().minus(Duration.ofHours(3)), 100);
        prod.events().generate(46, start, Instant.now().minus(Duration.ofHours(3)), 100);
        failingPages.set(3);
        startHost(FAILING_HOST_ROUTES);
        await().atMost(WAIT).until(() -> failedPages.get() >= 3);
        awaitEveryEvent();
        assertThat(failedPages.get()).isEqualTo(3);
    }

    @Test
    void aRemovedInstanceAddedAgainWithTheSameAccountDeliversEachEventOnceAndContinuesItsCheckpoint() throws Exception {
        prod.events().generate(49, start, Instant.now().minus(Duration.ofHours(2)), 120);
        test.events().generate(50, start, Instant.now().minus(Duration.ofHours(2)), 80);
        String recipe = Readme.recipe("kamelet-two-accounts-yaml").text();
        startHost(recipe);
        awaitEveryEvent();
        String cursorBefore = cursor("prod");

        // as dev tools and route reloading do: the host's route goes, then comes again with the same account
        CamelContext context = main.getCamelContext();
        context.getRouteController().stopRoute("halo-prod");
        assertThat(context.removeRoute("halo-prod")).as("the route is removed").isTrue();
        prod.events().generate(51, Instant.now().minus(Duration.ofMinutes(50)), Instant.now().minusSeconds(5), 40);
        String prodRoute = recipe.substring(0, recipe.indexOf("- route:\n    id: halo-test"));
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("halo-prod-again.yaml", prodRoute));

        awaitEveryEvent();
        assertThat(Instant.parse(cursor("prod"))).as("the checkpoint moved on from where it was").isAfter(Instant.parse(cursorBefore));
        assertThat(context.getRouteController().getRouteStatus("halo-prod").isStarted()).isTrue();
    }

    @Test
    void twoInstancesWithOneAccountNameAtOnceAreRefusedNamingTheKamelet() throws Exception {
        String recipe = Readme.recipe("kamelet-two-accounts-yaml").text();
        startHost(recipe);
        CamelContext context = main.getCamelContext();
        String sameAccount = recipe.substring(0, recipe.indexOf("- route:\n    id: halo-test"))
                .replace("id: halo-prod", "id: halo-prod-again").replace("halo-events-source/prod", "halo-events-source/prod-again")
                .replace("{{prod.stateDir}}", work.resolve("state-prod-again").toString());

        assertThatThrownBy(() -> PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("again.yaml", sameAccount)))
                .hasStackTraceContaining("account prod is configured twice (the halo-events-source Kamelet's parameters):"
                        + " give each halo-events-source instance its own account name");
        // the instances already running go on
        prod.events().generate(52, start, Instant.now().minusSeconds(5), 30);
        test.events().generate(53, start, Instant.now().minusSeconds(5), 30);
        awaitEveryEvent();
    }

    @Test
    void theHostProjectLoadsTheRoutesOfTheRecipe() throws IOException {
        String hostRoutes = Files.readString(Path.of("src/it/camel-main-host/src/main/resources/host-routes.yaml"));
        assertThat(hostRoutes).endsWith(Readme.recipe("kamelet-two-accounts-yaml").text());
    }

    private void awaitEveryEvent() {
        await().atMost(WAIT).until(() -> delivered("prod").size() >= ids(prod).size() && delivered("test").size() >= ids(test).size()
                && newest(prod).toString().equals(cursor("prod")) && newest(test).toString().equals(cursor("test")));
        for (String account : List.of("prod", "test")) {
            List<String> delivered = delivered(account);
            Set<String> expected = ids(account.equals("prod") ? prod : test);
            assertThat(new HashSet<>(delivered)).as("%s's delivered ids", account).isEqualTo(expected);
            assertThat(delivered).as("no event of %s twice", account).hasSameSizeAs(expected);
        }
    }

    private static Set<String> ids(HaloSimulator simulator) {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private static Instant newest(HaloSimulator simulator) {
        return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                .max(Instant::compareTo).orElseThrow();
    }

    /** The ids in an account's events file, complete lines only. */
    private List<String> delivered(String account) {
        return EventFiles.ids(work.resolve("out-" + account + "/events.jsonl"));
    }

    private String cursor(String account) throws IOException {
        Path file = work.resolve("state-" + account + "/checkpoint.json");
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode cursor = HaloJson.MAPPER.readTree(file.toFile()).get("cursor");
        return cursor == null || cursor.isNull() ? null : cursor.asText();
    }
}
