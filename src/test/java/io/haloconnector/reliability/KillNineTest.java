package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 while catching up into HEC: the connector is killed at random moments and restarted on
 * the same state folder. HEC has no transactions, so the pages whose events were sent but not yet
 * committed are sent again after each kill: every event arrives, repeats per kill stay within the
 * pages in flight at that moment (never more than {@code hec.maxInFlight} x {@code halo.perPage},
 * and what {@code halo_output_pages_in_flight} showed; one page into a local HEC at the defaults),
 * pages answered behind a slow one are not repeated, and the first arrival of each event is in
 * created_at order up to the pages ahead of the cursor side by side.
 */
class KillNineTest {
    private static final int EVENTS = 50_000;
    private static final int PER_PAGE = 200;
    private static final int MAX_IN_FLIGHT = 4;
    private static final int BOUND = MAX_IN_FLIGHT * PER_PAGE;
    /**
     * How far a first arrival may be from its place in created_at order: behind a slow page the pages after it are
     * answered and committed, up to the pages admitted ahead of the cursor (four per page the output may take).
     */
    private static final int ORDER_BOUND = 4 * MAX_IN_FLIGHT * PER_PAGE;
    private static final int KILLS = 3;

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
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void killNineThreeTimesLosesNothingAndRepeatsAtMostThePagesInFlight() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        simulator.events().generate(4, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        props.put("halo.perPage", Integer.toString(PER_PAGE));
        props.put("hec.batch.events", "100"); // two POSTs a page: a kill can fall between them
        props.put("hec.maxInFlight", Integer.toString(MAX_IN_FLIGHT));
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());

        long seed = System.nanoTime();
        Random random = new Random(seed);
        print("kill -9: %d events, halo.perPage=%d, hec.maxInFlight=%d, random seed %d", EVENTS, PER_PAGE, MAX_IN_FLIGHT, seed);
        List<Integer> killedAt = new ArrayList<>();
        long began = System.nanoTime();
        for (int kill = 1; kill <= KILLS; kill++) {
            connector = ConnectorProcess.start(work, props, env, List.of());
            int target = receiver.received().size() + 2_000 + random.nextInt(EVENTS / (KILLS + 1) - 2_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= target);
            connector.kill();
            killedAt.add(receiver.received().size());
        }
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        List<JsonNode> envelopes = receiver.received();
        List<String> ids = Reliability.idsOfEnvelopes(envelopes);
        assertThat(new HashSet<>(ids)).as("every event arrived, nothing else").isEqualTo(expected);
        Set<String> seen = new HashSet<>();
        int[] repeatsAfterKill = new int[KILLS + 1]; // [0]: before the first kill
        List<Instant> firstArrivals = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int segment = 0;
            while (segment < KILLS && i >= killedAt.get(segment)) {
                segment++;
            }
            if (!seen.add(ids.get(i))) {
                repeatsAfterKill[segment]++;
            } else {
                firstArrivals.add(Instant.parse(envelopes.get(i).get("event").get("created_at").asText()));
            }
        }
        // the pages ahead of the cursor arrive side by side: an event is at most that many events from its place in created_at order
        List<Instant> sorted = firstArrivals.stream().sorted().toList();
        int farthest = 0;
        for (int i = 0; i < firstArrivals.size(); i++) {
            Instant createdAt = firstArrivals.get(i);
            int first = lowerBound(sorted, createdAt);
            int last = lowerBound(sorted, createdAt.plusNanos(1)) - 1;
            farthest = Math.max(farthest, Math.max(first - i, i - last));
        }
        print("first arrivals: at most %d events from their place in created_at order (bound %d, the pages ahead of the"
                + " cursor)", farthest, ORDER_BOUND);
        assertThat(farthest).as("first arrivals in created_at order, up to the pages ahead of the cursor")
                .isLessThanOrEqualTo(ORDER_BOUND);
        for (int kill = 1; kill <= KILLS; kill++) {
            print("kill %d at %d events received: %d repeats after the restart (bound %d, the pages in flight)", kill,
                    killedAt.get(kill - 1), repeatsAfterKill[kill], BOUND);
        }
        print("kill -9: %d envelopes for %d events, %d repeats in all, %d ms for the whole run", ids.size(), expected.size(),
                ids.size() - expected.size(), tookMillis);
        assertThat(repeatsAfterKill[0]).as("no repeat before the first kill").isZero();
        for (int kill = 1; kill <= KILLS; kill++) {
            assertThat(repeatsAfterKill[kill]).as("repeats after kill %d", kill).isLessThanOrEqualTo(BOUND);
        }
        assertThat(connector.stderr()).contains("Resuming from the checkpoint").doesNotContain(Reliability.HEC_TOKEN);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void atTheDefaultsIntoALocalHecAKillNineRepeatsAtMostOnePage() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        simulator.events().generate(4, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        // the defaults: pages of 500, hec.maxInFlight 8 as the ceiling, hec.adaptiveConcurrency on
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        int port = Reliability.freePort();
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        long seed = System.nanoTime();
        Random random = new Random(seed);
        print("kill -9 at the defaults, local HEC: %d events, random seed %d", EVENTS, seed);
        List<Integer> killedAt = new ArrayList<>();
        List<Integer> inFlightAtKill = new ArrayList<>();
        List<Integer> limitAtKill = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            connector = ConnectorProcess.start(work, props, env, List.of());
            int target = receiver.received().size() + 2_000 + random.nextInt(EVENTS / (KILLS + 1) - 2_000);
            // what the metrics show in the last readings before the kill: the pages in flight, and the
            // limit that caps them (it moves once a round trip; a page comes and goes between two readings)
            Deque<int[]> readings = new ConcurrentLinkedDeque<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                try {
                    readings.addLast(new int[] {(int) Reliability.metric(port, "halo_output_pages_in_flight"),
                            (int) Reliability.metric(port, "output_pages_limit")});
                } catch (java.io.IOException e) {
                    return false; // the management endpoint is not up yet: no kill without a reading
                }
                if (readings.size() > 5) {
                    readings.removeFirst();
                }
                return receiver.received().size() >= target;
            });
            connector.kill();
            killedAt.add(receiver.received().size());
            inFlightAtKill.add(readings.stream().mapToInt(r -> r[0]).max().orElse(0));
            limitAtKill.add(readings.stream().mapToInt(r -> r[1]).max().orElse(0));
        }
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();

        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        assertThat(new HashSet<>(ids)).as("every event arrived, nothing else").isEqualTo(expected);
        int[] repeats = Reliability.repeatsAfterEachKill(ids, killedAt);
        for (int kill = 1; kill <= KILLS; kill++) {
            print("defaults, local HEC: kill %d at %d events received, %d page(s) in flight, limit %d: %d repeats after the"
                    + " restart", kill, killedAt.get(kill - 1), inFlightAtKill.get(kill - 1), limitAtKill.get(kill - 1), repeats[kill]);
        }
        print("defaults, local HEC, the last run: %s", outputFigures(connector.stderr()));
        assertThat(repeats[0]).as("no repeat before the first kill").isZero();
        for (int kill = 1; kill <= KILLS; kill++) {
            // a HEC that answers within a few commits' time gets one page at a time: a page more would not raise throughput
            assertThat(repeats[kill]).as("repeats after kill %d: at most one page of 500 events", kill).isLessThanOrEqualTo(500);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void behindASlowHecAnswerAKillNineRepeatsOnlyThePagesUnansweredThenAsTheMetricsShow() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        // a HEC 30 ms away: the pages in flight grow, so later pages are answered while an early one waits
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN)
                .answerDelay(Duration.ofMillis(30)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        simulator.events().generate(4, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work),
                receiver.baseUrl());
        int port = Reliability.freePort();
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());

        connector = ConnectorProcess.start(work, props, env, List.of());
        // a page more stays once it raised throughput: a few measurements of a few round trips each
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 5_000
                && Reliability.metric(port, "output_pages_limit") >= 2);
        receiver.faults().slow(Duration.ofSeconds(20)); // the next page is answered (and indexed) 20 s late
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.faults().pending() == 0);
        int beforeSlow = receiver.received().size();
        // the pages after it are answered and committed; the cursor waits before the slow one
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() >= beforeSlow + 5_000
                && Reliability.metric(port, "halo_output_pages_in_flight") == 1);
        double inFlight = Reliability.metric(port, "halo_output_pages_in_flight");
        double limit = Reliability.metric(port, "output_pages_limit");
        connector.kill();
        int killedAt = receiver.received().size();
        int answeredBehind = killedAt - beforeSlow;

        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> new HashSet<>(Reliability.idsOfEnvelopes(receiver.received()))
                .size() >= expected.size());
        assertThat(connector.terminate(20)).as("exit code after SIGTERM").isZero();
        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        assertThat(new HashSet<>(ids)).as("every event arrived, nothing else").isEqualTo(expected);
        int[] repeats = Reliability.repeatsAfterEachKill(ids, List.of(killedAt));
        print("slow HEC answer: killed with %.0f page(s) in flight (limit then %.0f), %d events answered behind the slow"
                + " page; %d repeats after the restart", inFlight, limit, answeredBehind, repeats[1]);
        assertThat(repeats[0]).as("no repeat before the kill").isZero();
        assertThat(answeredBehind).as("pages answered while the slow one waited (an in-order commit repeats them)")
                .isGreaterThanOrEqualTo(5_000);
        assertThat(repeats[1]).as("repeats: the pages in flight at the kill, as the metrics showed")
                .isLessThanOrEqualTo((int) inFlight * 500);
    }

    /** The connector's line at stop: pages in flight on average and the commit's saves. */
    private static String outputFigures(String logs) {
        return logs.lines().filter(line -> line.contains("pages in flight") && line.contains("saves")).reduce((a, b) -> b)
                .orElse("(no figures line)");
    }

    /** The index of the first element of {@code sorted} at or after {@code at}. */
    private static int lowerBound(List<Instant> sorted, Instant at) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted.get(mid).isBefore(at)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
