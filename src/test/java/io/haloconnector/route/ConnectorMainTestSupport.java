package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

/**
 * The connector as camel-main starts it (its YAML routes and the shipped
 * {@code application.properties}), under camel-test-main-junit5, polling a Halo simulator of its
 * own every second with halo.output=file. The context is not started by the test kit: a test puts
 * its events in the simulator, may advise a route with AdviceWith, then calls {@code context.start()}.
 */
abstract class ConnectorMainTestSupport extends CamelMainTestSupport {
    protected final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));

    @TempDir
    Path work;

    protected HaloSimulator simulator;

    /** The routes camel-main loads: the shipped ones unless a test loads a user's own. */
    protected String routesIncludePattern() {
        return "file:routes/*.yaml";
    }

    /** Properties a test sets on top of the shipped application.properties and {@link RunningConnector#properties}. */
    protected void overrides(Properties properties) {
    }

    @Override
    public void configureTest(TestExecutionConfiguration testConfiguration) {
        super.configureTest(testConfiguration);
        testConfiguration.withUseAdviceWith(true);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(ConnectorConfiguration.class);
        configuration.withRoutesIncludePattern(routesIncludePattern());
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Properties properties = new Properties();
        properties.putAll(RunningConnector.properties(simulator, work));
        properties.put("halo.start", start.toString());
        overrides(properties);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
        return super.createCamelContext();
    }

    @Override
    protected void doPostTearDown() {
        if (simulator != null) {
            simulator.close();
        }
    }

    /**
     * Matches when {@code n} more polls that reached the output have ended, delivered or stopped:
     * exchanges of the halo-events route that handed a page to the output (the split's copies never
     * do); a poll ends when its pages in flight are committed.
     */
    protected NotifyBuilder polls(int n) {
        return new NotifyBuilder(context).fromRoute("halo-events").wereSentTo("seda:halo-output-pages*").whenCompleted(n).create();
    }

    /** The cursor saved in checkpoint.json, or null before the first commit. */
    protected String checkpointCursor() throws IOException {
        Path file = work.resolve("state/checkpoint.json");
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode cursor = HaloJson.MAPPER.readTree(file.toFile()).get("cursor");
        return cursor == null || cursor.isNull() ? null : cursor.asText();
    }

    /** created_at of the newest event in the simulator. */
    protected String newestCreatedAt() {
        return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                .max(Instant::compareTo).orElseThrow().toString();
    }
}
