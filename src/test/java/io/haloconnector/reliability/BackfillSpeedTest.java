package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backfill reads its window as fast as the live connector catches up on it: the same window (the
 * simulator holds events only there), the same simulator 50 ms away, the same HEC receiver, default
 * settings, each as its own process. The rate is taken between the receiver's first and last
 * accepted request, so the JVM's start counts for neither. {@code -Dbackfill.events=200000} runs the
 * size of the benchmark's cases.
 */
class BackfillSpeedTest {
    @TempDir
    Path work;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aBackfillIsAsFastAsTheLiveCatchUpOnTheSameWindow() throws Exception {
        int events = Integer.getInteger("backfill.events", 50_000);
        Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        Instant since = until.minus(Duration.ofDays(30));
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(50)).build())) {
            simulator.events().generate(41, since, until, events);
            Map<String, String> env = Reliability.secrets(simulator.apiSecret());
            double live;
            try (HecReceiver receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
                 ConnectorProcess connector = ConnectorProcess.start(work, "connector", properties(simulator, receiver, since),
                         env, List.of(), List.of())) {
                await().atMost(Duration.ofMinutes(2)).until(() -> receiver.stats().eventsAccepted() >= events);
                live = rate(receiver.acceptedRequests());
                assertThat(connector.terminate(20)).isZero();
            }
            // a receiver of the same settings, empty: one holding the first run's envelopes would slow the second
            double backfill;
            try (HecReceiver receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
                 ConnectorProcess process = ConnectorProcess.start(work, "backfill", properties(simulator, receiver, since), env,
                         List.of(), List.of("backfill", "--since", since.toString(), "--until", until.toString()))) {
                assertThat(process.waitFor(120)).as("the backfill's exit code").isZero();
                assertThat(receiver.stats().eventsAccepted()).isEqualTo(events);
                backfill = rate(receiver.acceptedRequests());
            }
            print("backfill speed: %d events over 30 days, simulator 50 ms away, HEC output, defaults: live catch-up %.0f"
                    + " events/s, backfill %.0f events/s (%.2fx)", events, live, backfill, backfill / live);
            // one engine for both: far slower would mean the backfill waits between its polls
            assertThat(backfill).as("backfill events/s against the live catch-up's %.0f", live).isGreaterThan(live / 4);
        }
    }

    /** Default settings but the state folder, towards {@code receiver}, the live connector from {@code since}. */
    private Map<String, String> properties(HaloSimulator simulator, HecReceiver receiver, Instant since) {
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), since,
                work), receiver.baseUrl());
        props.remove("halo.poll.cron"); // the shipped schedule: the first poll at start catches up
        props.remove("halo.poll.lag");
        return props;
    }

    /** Events per second between the first and the last accepted request. */
    private static double rate(List<HecReceiver.AcceptedRequest> requests) {
        long count = requests.stream().mapToLong(HecReceiver.AcceptedRequest::events).sum();
        Duration took = Duration.between(requests.get(0).acceptedAt(), requests.get(requests.size() - 1).acceptedAt());
        return count / Math.max(0.001, took.toMillis() / 1000.0);
    }
}
