package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LiveAppenderTest {

    @Test
    void appendsEventsCreatedNowAndSomeLateOnes() throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant started = Instant.now();
            LiveAppender live = simulator.events().startLive(11, 400, 0.5, Duration.ofSeconds(20));

            await().atMost(Duration.ofSeconds(10)).until(() -> simulator.events().size() >= 300);
            live.close();

            List<ObjectNode> all = simulator.events().all();
            long late = all.stream().filter(e -> createdAt(e).isBefore(started.minusSeconds(1))).count();
            long current = all.stream().filter(e -> !createdAt(e).isBefore(started.minusMillis(1))).count();
            assertThat(late).isGreaterThan(20);
            assertThat(current).isGreaterThan(100);
            assertThat(all).allMatch(e -> createdAt(e).isBefore(Instant.now().plusSeconds(1)));
            assertThat(live.appended()).isEqualTo(all.size());
            // the late ones are served too: a window that ended before the appender started is not final
            HaloTestClient client = new HaloTestClient(simulator);
            int count = HaloTestClient.json(client.events(client.token(), "until=" + started).body())
                    .get("count").asInt();
            assertThat(count).isGreaterThan(0);
        }
    }

    @Test
    void closingTheSimulatorStopsItsAppenders() throws Exception {
        HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        simulator.events().startLive(12, 500, 0, Duration.ZERO);
        await().atMost(Duration.ofSeconds(10)).until(() -> simulator.events().size() > 50);

        simulator.close();
        int sizeAfterClose = simulator.events().size();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> simulator.events().size() == sizeAfterClose);
    }

    private static Instant createdAt(ObjectNode event) {
        return Instant.parse(event.get("created_at").asText());
    }
}
