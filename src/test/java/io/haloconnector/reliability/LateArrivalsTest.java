package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.LiveAppender;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events keep arriving while the connector is live, a share of them late: listed up to the
 * documented lag (halo.poll.lag + halo.poll.overlap) after their created_at. Every one is
 * delivered, once; the late ones necessarily after newer events.
 */
class LateArrivalsTest {
    private static final Duration LAG = Duration.ofSeconds(2);
    private static final Duration OVERLAP = Duration.ofSeconds(8);

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        simulator.close();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void eventsListedUpToLagPlusOverlapLateAreAllDeliveredOnce() throws Exception {
        Duration live = Reliability.full() ? Duration.ofMinutes(3) : Duration.ofSeconds(15);
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1));
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.poll.lag", LAG.toSeconds() + "s");
        props.put("halo.poll.overlap", OVERLAP.toSeconds() + "s");
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stderr().contains("Started halo-events"));

        long began = System.nanoTime();
        try (LiveAppender appender = simulator.events().startLive(61, 40, 0.3, LAG.plus(OVERLAP))) {
            await().atMost(live.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> System.nanoTime() - began >= live.toNanos());
        }
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        // the last ones are listed once they are older than the lag
        await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(Reliability.idsOfLines(connector.stdout()))
                .containsAll(expected));
        assertThat(connector.terminate(20)).isZero();

        List<String> lines = connector.stdout().lines().toList();
        Instant newest = Instant.MIN;
        int afterNewer = 0;
        for (String line : lines) {
            Instant createdAt = Instant.parse(Reliability.parse(line).get("created_at").asText());
            if (createdAt.isBefore(newest)) {
                afterNewer++;
            } else {
                newest = createdAt;
            }
        }
        print("late arrivals: %d events over %d s, 30%% of them up to %d s late (lag %s + overlap %s);"
                        + " %d delivered after a newer event, %d repeats", expected.size(), live.toSeconds(),
                LAG.plus(OVERLAP).toSeconds(), LAG, OVERLAP, afterNewer, lines.size() - new HashSet<>(lines).size());
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(afterNewer).as("late events were among them").isPositive();
    }
}
