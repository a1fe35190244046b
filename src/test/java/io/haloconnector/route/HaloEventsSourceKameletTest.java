package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.output.EventBatch;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The halo-events-source Kamelet on a plain Camel context: a user's route
 * {@code from("kamelet:halo-events-source?apiKey=...&apiSecretFrom=...&stateDir=...")} and a few shared
 * halo.* tunables, nothing else of the connector's. Real HTTP to the Halo simulator, a real checkpoint.
 */
class HaloEventsSourceKameletTest extends CamelTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Instant start = hoursAgo(6);
    private final AtomicBoolean userRouteFails = new AtomicBoolean();
    private final AtomicInteger failedPages = new AtomicInteger();

    @TempDir
    Path work;

    private HaloSimulator simulator;

    private static Instant hoursAgo(int hours) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(hours));
    }

    @Override
    public void configureTest(TestExecutionConfiguration testConfiguration) {
        super.configureTest(testConfiguration);
        // each test puts its events in the simulator first: the first poll runs as the context starts
        testConfiguration.withAutoStartContext(false);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        CamelContext context = super.createCamelContext();
        Properties props = new Properties();
        // the shared tunables, as a host sets them once; the account is the Kamelet's parameters
        props.put("halo.perPage", "25");
        props.put("halo.poll.lag", "0s");
        props.put("halo.retry.maxDelay", "200ms");
        props.put("halo.retry.maxAttempts", "8");
        props.put("source.secret", simulator.apiSecret());
        context.getPropertiesComponent().setInitialProperties(props);
        return context;
    }

    /**
     * The user's route as a user writes it, with Camel's default error handler: each page's batch to
     * mock:pages, or an exception while the test asks for one. No configuration class, no route file.
     */
    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:halo-events-source?apiUrl=" + simulator.baseUrl() + "&apiKey=" + simulator.apiKey()
                        + "&apiSecretFrom=source.secret&stateDir=" + work.resolve("state") + "&start=" + start
                        + "&pollInterval=1s").routeId("user-pages")
                        .process(exchange -> {
                            if (userRouteFails.get()) {
                                failedPages.incrementAndGet();
                                throw new IllegalStateException("the user's route fails this page");
                            }
                        })
                        .to("mock:pages");
            }
        };
    }

    @Override
    protected void doPostTearDown() throws Exception {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void everyEventArrivesOnceAcrossThePageBatchesWithTheirHeaders() throws Exception {
        simulator.events().generate(31, start, hoursAgo(1), 300);
        Set<String> expected = expectedIds();
        context.start();

        MockEndpoint pages = getMockEndpoint("mock:pages");
        await().atMost(WAIT).until(() -> deliveredIds(pages).size() >= expected.size());
        assertExactlyOnce(deliveredIds(pages), expected);
        assertThat(pages.getReceivedExchanges()).as("one exchange per page of 25").hasSizeGreaterThanOrEqualTo(12);
        for (Exchange page : pages.getReceivedExchanges()) {
            EventBatch batch = page.getMessage().getBody(EventBatch.class);
            Instant newest = batch.stream().map(HaloEvent::createdAt).max(Instant::compareTo).orElseThrow();
            assertThat(page.getMessage().getHeader("haloEventCount", Integer.class)).isEqualTo(batch.size()).isPositive();
            assertThat(page.getMessage().getHeader("haloPage", Integer.class)).isPositive();
            assertThat(page.getMessage().getHeader("haloCursor", String.class)).isEqualTo(newest.toString());
            assertThat(page.getMessage().getHeader("haloAccount", String.class)).as("the account parameter's default").isEqualTo("default");
        }
    }

    @Test
    void aPageTheUserRouteThrowsOnLeavesTheCheckpointAndArrivesOnceWhenTheRouteRecovers() throws Exception {
        simulator.events().generate(32, start, hoursAgo(3), 100);
        context.start();
        MockEndpoint pages = getMockEndpoint("mock:pages");
        Instant committed = newestCreatedAt();
        await().atMost(WAIT).until(() -> committed.toString().equals(checkpointCursor()));

        userRouteFails.set(true);
        simulator.events().generate(33, hoursAgo(2), Instant.now().minusSeconds(10), 150);
        Set<String> expected = expectedIds();
        await().atMost(WAIT).until(() -> failedPages.get() >= 3);
        assertThat(checkpointCursor()).as("cursor after %d failed pages", failedPages.get()).isEqualTo(committed.toString());

        userRouteFails.set(false);
        await().atMost(WAIT).until(() -> deliveredIds(pages).size() >= expected.size());
        assertExactlyOnce(deliveredIds(pages), expected);
        await().atMost(WAIT).until(() -> newestCreatedAt().toString().equals(checkpointCursor()));
    }

    private Set<String> expectedIds() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private Instant newestCreatedAt() {
        return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                .max(Instant::compareTo).orElseThrow();
    }

    /** The ids of every event that reached mock:pages, in arrival order. */
    private static List<String> deliveredIds(MockEndpoint pages) {
        List<String> ids = new ArrayList<>();
        for (Exchange page : pages.getReceivedExchanges()) {
            page.getMessage().getBody(EventBatch.class).forEach(event -> ids.add(event.id()));
        }
        return ids;
    }

    private static void assertExactlyOnce(List<String> ids, Set<String> expected) {
        assertThat(new HashSet<>(ids)).as("delivered ids").isEqualTo(expected);
        assertThat(ids).as("no event twice").hasSameSizeAs(expected);
    }

    /** The cursor saved in checkpoint.json, or null before the first commit. */
    private String checkpointCursor() throws IOException {
        Path file = work.resolve("state/checkpoint.json");
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode cursor = HaloJson.MAPPER.readTree(file.toFile()).get("cursor");
        return cursor == null || cursor.isNull() ? null : cursor.asText();
    }
}
