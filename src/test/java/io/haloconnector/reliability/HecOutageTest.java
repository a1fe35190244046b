package io.haloconnector.reliability;

import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * HEC down for a long time (60 s in the default suite, 5 minutes with -Dreliability.full=true)
 * while the connector, on a 128 MB heap, is catching up: it stops polling Halo (backpressure) once
 * {@code hec.maxInFlight} pages wait for HEC, its memory stays flat (it holds those pages), and
 * delivery resumes by itself when HEC is back, nothing lost.
 */
class HecOutageTest {
    private static final int EVENTS = 20_000;
    private static final int PER_PAGE = 500;
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        receiver.close();
        simulator.close();
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void hecDownForMinutesPausesHaloPollingKeepsMemoryFlatAndLosesNothing() throws Exception {
        Duration outage = Reliability.full() ? Duration.ofMinutes(5) : Duration.ofSeconds(60);
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        simulator.events().generate(31, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("hec.retry.maxDelay", "5s");
        props.put("hec.maxInFlight", Integer.toString(MAX_IN_FLIGHT));

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of("-Xmx128m"));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 3_000);
        receiver.faults().setOutage(true);
        int atOutage = receiver.received().size();
        // the senders of the pages in flight have failed a few times each and now wait on HEC's health
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.stats().refusedConnections() >= 3 * MAX_IN_FLIGHT);
        long haloRequests = simulator.stats().eventsRequests();
        long began = System.nanoTime();
        List<String> samples = new ArrayList<>();
        long[] rss = {Long.MAX_VALUE, 0};
        long[] heap = {0};
        await().atMost(outage.plusSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(10)).until(() -> {
            long kib = connector.rssKib();
            long heapKib = connector.heapUsedKib();
            rss[0] = Math.min(rss[0], kib);
            rss[1] = Math.max(rss[1], kib);
            heap[0] = Math.max(heap[0], heapKib);
            samples.add(String.format("%ds: RSS %d MiB, heap used %d MiB", (System.nanoTime() - began) / 1_000_000_000,
                    kib / 1024, heapKib / 1024));
            return System.nanoTime() - began >= outage.toNanos();
        });
        long requestsDuringOutage = simulator.stats().eventsRequests() - haloRequests;
        long refused = receiver.stats().refusedConnections();
        receiver.faults().setOutage(false);
        long resumed = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        long resumeMillis = (System.nanoTime() - resumed) / 1_000_000;
        assertThat(connector.terminate(20)).isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        print("HEC outage of %d s on -Xmx128m: %d events delivered before it, %d HEC connections refused, %d Halo requests"
                        + " during it", outage.toSeconds(), atOutage, refused, requestsDuringOutage);
        samples.forEach(sample -> print("HEC outage: memory at %s", sample));
        print("HEC outage: RSS %d..%d MiB, heap used at most %d MiB; caught up %d ms after HEC came back; %d repeats",
                rss[0] / 1024, rss[1] / 1024, heap[0] / 1024, resumeMillis, ids.size() - expected.size());
        assertThat(requestsDuringOutage).as("Halo not polled while HEC is down").isZero();
        assertThat(new HashSet<>(ids)).as("nothing lost").isEqualTo(expected);
        // a POST cut off by the outage after HEC read it is sent again: at most the pages in flight repeat
        assertThat(ids.size() - expected.size()).as("repeats").isLessThanOrEqualTo(MAX_IN_FLIGHT * PER_PAGE);
        assertThat(rss[1] - rss[0]).as("RSS growth during the outage, KiB").isLessThan(64 * 1024);
        assertThat(connector.stderr()).doesNotContain("OutOfMemoryError");
    }
}
