package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.kafka.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka output as users run it (the connector its own process, halo.output=kafka) against a
 * real KRaft broker, also run as its own process: the broker stopped in the middle of a catch-up
 * and started again, and the connector killed with SIGKILL and restarted. Counted by key on the
 * topic: nothing is lost, and what repeats is at most the events of the page in flight.
 */
class KafkaReliabilityTest {
    private static final int EVENTS = 3_000;
    private static final int PER_PAGE = 100;
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    static Path brokerDir;
    private static KafkaBroker broker;

    @TempDir
    Path work;

    private final Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (!broker.isRunning()) {
            broker.start();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void brokerStoppedMidCatchUpFailsThePageInBoundedTimeKeepsMemoryFlatAndResumesLosingNothing() throws Exception {
        String topic = "halo-outage";
        broker.createTopic(topic, 3);
        Set<String> expected = generate(71);
        Map<String, String> props = kafkaProperties(topic);
        props.put("kafka.timeout", "3s");
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of("-Xmx128m"));
        await().atMost(Duration.ofSeconds(90)).until(() -> broker.count(topic) >= EVENTS / 4);

        int failuresBefore = pollFailures();
        broker.stop();
        long stopped = System.nanoTime();
        // the page in flight fails within about twice kafka.timeout, then each poll (every second) fails the same way
        await().atMost(Duration.ofSeconds(30)).until(() -> pollFailures() > failuresBefore);
        long failedAfterMillis = (System.nanoTime() - stopped) / 1_000_000;
        String cursorAtFailure = Reliability.checkpoint(work).get("cursor").asText();
        List<String> samples = new ArrayList<>();
        long[] rss = {Long.MAX_VALUE, 0};
        long[] heap = {0};
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(5)).until(() -> {
            long kib = connector.rssKib();
            long heapKib = connector.heapUsedKib();
            rss[0] = Math.min(rss[0], kib);
            rss[1] = Math.max(rss[1], kib);
            heap[0] = Math.max(heap[0], heapKib);
            samples.add(String.format("%ds: RSS %d MiB, heap used %d MiB", (System.nanoTime() - stopped) / 1_000_000_000,
                    kib / 1024, heapKib / 1024));
            return System.nanoTime() - stopped >= OUTAGE.toNanos();
        });
        int failuresDuringOutage = pollFailures() - failuresBefore;
        assertThat(Reliability.checkpoint(work).get("cursor").asText()).as("the checkpoint while the broker is down")
                .isEqualTo(cursorAtFailure);

        broker.start();
        long restarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).until(() -> broker.count(topic) >= EVENTS
                && keys(broker.records(topic)).containsAll(expected));
        long resumeMillis = (System.nanoTime() - restarted) / 1_000_000;
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();

        List<ConsumerRecord<String, byte[]>> records = broker.records(topic);
        print("Kafka broker stopped for %d s at >= %d of %d events (kafka.timeout=3s, halo.perPage=%d, -Xmx128m): first"
                + " failed poll %d ms after the stop, %d failed polls during the outage", OUTAGE.toSeconds(), EVENTS / 4, EVENTS,
                PER_PAGE, failedAfterMillis, failuresDuringOutage);
        samples.forEach(sample -> print("Kafka outage: memory at %s", sample));
        print("Kafka outage: RSS %d..%d MiB, heap used at most %d MiB; caught up %d ms after the broker was back;"
                + " %d records for %d events", rss[0] / 1024, rss[1] / 1024, heap[0] / 1024, resumeMillis, records.size(), EVENTS);
        Map<Long, Long> timesDelivered = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()))
                .values().stream().collect(Collectors.groupingBy(n -> n, java.util.TreeMap::new, Collectors.counting()));
        print("Kafka outage: events by times delivered: %s", timesDelivered);
        connector.stderr().lines().filter(line -> line.contains("Poll stopped"))
                .map(line -> line.replaceAll("^.*Poll stopped: ", "").replaceAll("[0-9]+", "N")).distinct()
                .forEach(reason -> print("Kafka outage: a poll stopped: %s", reason));
        assertThat(failedAfterMillis).as("the page in flight fails within about twice kafka.timeout").isLessThan(15_000);
        assertThat(keys(records)).as("nothing lost, nothing else").isEqualTo(expected);
        // the page in flight when the broker stopped may have had part of its records acknowledged, and so may each
        // attempt of it while the broker comes back (its partitions' leaders return one by one): only that page repeats,
        // some of its events more than once
        long repeatedEvents = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()))
                .values().stream().filter(n -> n > 1).count();
        assertThat(repeatedEvents).as("events delivered more than once").isLessThanOrEqualTo(PER_PAGE);
        assertThat(rss[1] - rss[0]).as("RSS growth during the outage, KiB").isLessThan(64 * 1024);
        assertThat(connector.stderr()).doesNotContain("OutOfMemoryError");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killNineTwiceLosesNothingAndRepeatsAtMostThePageInFlight() throws Exception {
        String topic = "halo-kill-nine";
        // one partition: the topic's order is the order of delivery, so repeats can be placed after their kill
        broker.createTopic(topic, 1);
        Set<String> expected = generate(72);
        Map<String, String> props = kafkaProperties(topic);
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 2;
        print("Kafka kill -9: %d events, halo.perPage=%d, random seed %d", EVENTS, PER_PAGE, seed);
        List<Long> killedAt = new ArrayList<>();
        for (int kill = 1; kill <= kills; kill++) {
            connector = ConnectorProcess.start(work, props, env, List.of());
            long target = broker.count(topic) + 300 + random.nextInt(EVENTS / (kills + 1) - 300);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> broker.count(topic) >= target);
            connector.kill();
            killedAt.add(broker.count(topic));
        }
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> broker.count(topic) >= EVENTS
                && keys(broker.records(topic)).containsAll(expected));
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();

        List<ConsumerRecord<String, byte[]>> records = broker.records(topic);
        assertThat(keys(records)).as("every event arrived, nothing else").isEqualTo(expected);
        Set<String> seen = new HashSet<>();
        int[] repeatsAfterKill = new int[kills + 1]; // [0]: before the first kill
        Instant previous = Instant.MIN;
        for (ConsumerRecord<String, byte[]> record : records) {
            int segment = 0;
            while (segment < kills && record.offset() >= killedAt.get(segment)) {
                segment++;
            }
            if (!seen.add(record.key())) {
                repeatsAfterKill[segment]++;
            } else {
                Instant createdAt = Instant.parse(Reliability.parse(new String(record.value())).get("created_at").asText());
                assertThat(createdAt).as("first arrivals in created_at order").isAfterOrEqualTo(previous);
                previous = createdAt;
            }
        }
        for (int kill = 1; kill <= kills; kill++) {
            print("Kafka kill %d at %d records: %d repeats after the restart (bound %d, one page)", kill,
                    killedAt.get(kill - 1), repeatsAfterKill[kill], PER_PAGE);
        }
        assertThat(repeatsAfterKill[0]).as("no repeat before the first kill").isZero();
        for (int kill = 1; kill <= kills; kill++) {
            assertThat(repeatsAfterKill[kill]).as("repeats after kill %d", kill).isLessThanOrEqualTo(PER_PAGE);
        }
        assertThat(connector.stderr()).contains("Resuming from the checkpoint");
    }

    private Set<String> generate(long seed) throws java.io.IOException {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        simulator.events().generate(seed, start, Instant.now().minusSeconds(30), EVENTS);
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    private Map<String, String> kafkaProperties(String topic) throws java.io.IOException {
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.output", "kafka");
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("kafka.brokers", broker.bootstrapServers());
        props.put("kafka.topic", topic);
        return props;
    }

    private int pollFailures() {
        return (int) connector.stderr().lines().filter(line -> line.contains("Poll stopped")).count();
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
