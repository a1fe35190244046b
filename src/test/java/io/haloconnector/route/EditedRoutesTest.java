package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The shipped routes as a Camel engineer edits them: a copy of {@code routes/} with one change,
 * loaded by camel-main as the launcher loads a user's folder. An edit the connector cannot honour
 * is refused at start, or stops the poll before a page is delivered; never a silent loss.
 */
class EditedRoutesTest {
    private static final String QUERY_PAGE_SIZE = "per_page=${exchangeProperty.haloPerPage}";

    @TempDir
    Path work;

    private HaloSimulator simulator;

    @BeforeEach
    void startSimulator() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        simulator.events().generate(7, now.minus(Duration.ofHours(6)), now.minus(Duration.ofMinutes(5)), 1200);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    /** The shipped routes copied to a folder of the test's, halo-events.yaml changed by {@code edit}. */
    private Map<String, String> routesEdited(UnaryOperator<String> edit) throws IOException {
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                String text = Files.readString(file);
                Files.writeString(routes.resolve(file.getFileName()),
                        file.getFileName().toString().equals("halo-events.yaml") ? edit.apply(text) : text);
            }
        }
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", Instant.now().minus(Duration.ofHours(7)).toString());
        props.put("camel.main.routesIncludePattern", "file:" + routes + "/*.yaml");
        return props;
    }

    private static UnaryOperator<String> replacing(String shipped, String edited) {
        return text -> {
            assertThat(text).as("the shipped route holds the text the test edits").contains(shipped);
            return text.replace(shipped, edited);
        };
    }

    @Test
    void aPageSizeWrittenIntoTheEventsQueryIsRefusedAtStartWithTheSettingToUse() throws Exception {
        Map<String, String> props = routesEdited(replacing(QUERY_PAGE_SIZE, "per_page=100"));

        assertThatThrownBy(() -> RunningConnector.start(props).close())
                .satisfies(failure -> {
                    Throwable cause = failure;
                    while (!(cause instanceof ConfigurationException) && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    // what the launcher prints alone, exiting 2
                    assertThat(cause).isInstanceOf(ConfigurationException.class);
                    assertThat(cause.getMessage()).doesNotContain("\n")
                            .contains("route halo-events-request", "sends per_page=100", "halo.perPage=500",
                                    "keep " + QUERY_PAGE_SIZE, "set the page size with halo.perPage = 100");
                });
        assertThat(simulator.stats().eventsRequests()).as("no page was asked for").isZero();
        assertThat(RunningConnector.delivered(work.resolve("events"))).isEmpty();
    }

    @Test
    void aDroppedSortOrderIsRefusedAtStart() throws Exception {
        Map<String, String> props = routesEdited(replacing("&sort_by=created_at.asc", ""));

        assertThatThrownBy(() -> RunningConnector.start(props).close())
                .hasStackTraceContaining("sends no sort_by: the poll window and the checkpoint rely on sort_by=created_at.asc");
        assertThat(simulator.stats().eventsRequests()).isZero();
    }

    @Test
    void aPageSizeTheStartCheckCannotSeeStopsThePollBeforeAnyEventIsDelivered() throws Exception {
        // the query as shipped, but a step before it changes the property it reads: only the answer shows it
        Map<String, String> props = routesEdited(replacing("""
                        - removeHeader:
                            name: CamelRedeliveryDelay
                """, """
                        - removeHeader:
                            name: CamelRedeliveryDelay
                        - setProperty:
                            name: haloPerPage
                            expression:
                              constant:
                                expression: "100"
                """));

        try (LogCapture log = new LogCapture(Level.INFO); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> log.lines(Level.ERROR).stream()
                    .anyMatch(line -> line.contains("with 100 events and a next page where the connector pages by halo.perPage=500")));
            assertThat(connector.delivered()).as("nothing delivered from a page the window cannot count").isEmpty();
            assertThat(log.oneLineErrors()).allMatch(line -> line.contains("set the page size with halo.perPage"));
        }
        // the routes as shipped, on the same state: every event once, so the refused page moved no cursor
        props.remove("camel.main.routesIncludePattern");
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> connector.delivered().size() >= simulator.events().all().size());
            assertThat(connector.delivered().stream().map(event -> event.get("id").asText()).distinct().count())
                    .as("every event once").isEqualTo(connector.delivered().size()).isEqualTo(simulator.events().all().size());
        }
    }

    @Test
    void theStartLineSaysTheCronTheScheduleRouteUses() throws Exception {
        Map<String, String> props = routesEdited(replacing("cron: \"{{halo.poll.cron}}\"", "cron: \"0/7 * * * * ?\""));

        try (LogCapture log = new LogCapture(); RunningConnector connector = RunningConnector.start(props)) {
            assertThat(log.lines(Level.INFO)).contains(
                    "Polls at start and on the Quartz cron '0/7 * * * * ?' (routes halo-first-poll, halo-poll-schedule)");
            await().atMost(Duration.ofSeconds(60)).until(() -> connector.delivered().size() == simulator.events().all().size());
        }
    }
}
