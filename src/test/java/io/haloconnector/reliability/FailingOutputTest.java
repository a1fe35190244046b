package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An output that keeps failing holds the polls back, as a HEC outage does: after a failed page the
 * polls wait (backoff up to {@code halo.retry.maxDelay}) and ask for one page at a time, so Halo
 * sees a handful of requests however often the cron fires, not the look-ahead pages of every poll;
 * when the output works again every event arrives once. The file output's folder is replaced by a
 * plain file, which nobody, root included, can write into.
 */
class FailingOutputTest {
    private static final int EVENTS = 3_000;
    /** The window over which the requests to Halo are counted while the output fails. */
    private static final Duration WINDOW = Duration.ofSeconds(12);

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFileOutputThatCannotWriteHoldsThePollsBackAndEveryEventArrivesOnceWhenItWritesAgain() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(20)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(5, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.output", "file");
        props.put("halo.perPage", "100");
        // a poll every second (Reliability.properties), the waits after a failure capped at 4 s
        props.put("halo.retry.maxDelay", "4s");
        Path events = work.resolve("events");
        Path aside = work.resolve("events-aside");

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= 500);
        Files.move(events, aside);
        Files.writeString(events, "a file where the output's folder was\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> connector.stderr().contains("The output failed 1 page(s) in a row"));

        long before = haloRequests();
        await().during(WINDOW).atMost(WINDOW.plusSeconds(5)).until(connector::isAlive);
        long during = haloRequests() - before;
        String failures = connector.stderr().lines().filter(line -> line.contains("The output failed")).reduce((a, b) -> b)
                .orElse("");
        print("Failing output (file folder gone), polls every second, halo.retry.maxDelay=4s: %d Halo requests in %d s;"
                + " last backoff line: %s", during, WINDOW.toSeconds(), failures.substring(failures.indexOf("The output")));
        // without the backoff each poll asks for its page and the 15 pages ahead: about 16 a second
        assertThat(during).as("Halo requests in %d s while the output fails", WINDOW.toSeconds()).isLessThanOrEqualTo(20);
        assertThat(during).as("the polls still try the output now and then").isPositive();

        Files.delete(events);
        Files.move(aside, events);
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= EVENTS);
        assertThat(connector.terminate(20)).isZero();
        assertThat(connector.stderr()).contains("The output takes events again");
        Reliability.assertExactlyOnce(Reliability.idsInFiles(events), expected);
    }

    private long haloRequests() {
        return simulator.stats().eventsRequests() + simulator.stats().tokenRequests();
    }
}
