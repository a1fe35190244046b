package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
 * SIGTERM while pages are in flight, for the HEC and the file output: the pages handed to the output
 * are delivered and committed, nothing starts after the signal (no poll, no page request, no page
 * handed over, no HEC POST; a page the poll was still waiting for is fetched again after the
 * restart), the process exits 0 within 20 s, and a restart delivers only what came after them; with
 * a Splunk that answers each POST after 4 s the stop takes about one answer. And SIGTERM during a
 * retry wait: the wait ends at once, nothing is committed past what was delivered.
 */
class SigtermTest {
    private static final int EVENTS = 4_000;
    /** The slow Splunk's backlog: pages of 500, 8 in flight answered after 4 s, so about 1,000 events a second. */
    private static final int SLOW_SPLUNK_EVENTS = 12_000;
    static final Duration SPLUNK_ANSWER = Duration.ofSeconds(4);

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private ConnectorProcess connector;
    private Instant start;
    private Set<String> expected;

    @BeforeEach
    void startSimulator() throws Exception {
        // 60 ms a page of 100: a catch-up of a few seconds, so SIGTERM lands in the middle of it
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(60)).build());
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(12, start, Instant.now().minusSeconds(30), EVENTS);
        expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        simulator.close();
    }

    private Map<String, String> properties() {
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "100");
        return props;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermWithAHecBatchInFlightDeliversAndCommitsItThenExitsZeroAndARestartSendsOnlyNewerEvents() throws Exception {
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
        Map<String, String> props = Reliability.withHec(properties(), receiver.baseUrl());
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());

        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 1_000);
        receiver.faults().slow(Duration.ofSeconds(3)); // the next batch is answered 3 s after it arrived
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.faults().pending() == 0);
        int atSigterm = receiver.received().size();
        long began = System.nanoTime();
        int exit = connector.terminate(20);
        long stopMillis = (System.nanoTime() - began) / 1_000_000;

        List<JsonNode> first = receiver.received();
        print("SIGTERM (hec): %d events received at SIGTERM, %d after the exit (the pages in flight), exit %d in %d ms",
                atSigterm, first.size(), exit, stopMillis);
        assertThat(exit).as("exit code within 20 s of SIGTERM").isZero();
        assertThat(first.size()).as("the pages in flight were delivered").isGreaterThan(atSigterm);
        assertThat(Reliability.repeats(Reliability.idsOfEnvelopes(first))).isZero();
        assertThat(Reliability.checkpoint(work).get("cursor").asText()).as("the pages in flight were committed")
                .isEqualTo(newestCreatedAt(first.stream().map(e -> e.get("event")).toList()));

        connector = ConnectorProcess.start(work, props, env, List.of());
        // the pages in flight at the SIGTERM may have been the last ones: wait for the restart's own start
        // too (its start-up line is the second in the work folder's stderr)
        ConnectorProcess restarted = connector;
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= EVENTS
                && restarted.stderr().split("Polls at start", -1).length > 2);
        assertThat(connector.terminate(20)).isZero();
        List<String> restart = Reliability.idsOfEnvelopes(receiver.received()).subList(first.size(), receiver.received().size());
        print("SIGTERM (hec): the restart sent %d events, %d of them sent before", restart.size(),
                restart.stream().filter(new HashSet<>(Reliability.idsOfEnvelopes(first))::contains).count());
        Reliability.assertExactlyOnce(Reliability.idsOfEnvelopes(receiver.received()), expected);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sigtermWithSplunkAnsweringEachPostAfter4sFinishesThePostsInFlightStartsNothingAndTheRestartRepeatsNothing()
            throws Exception {
        // pages of 500 (one POST each), 8 in flight, each answered 4 s after it arrived: a loaded indexer
        Instant begin = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(13, begin, Instant.now().minusSeconds(30), SLOW_SPLUNK_EVENTS);
        Set<String> all = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN)
                .answerDelay(SPLUNK_ANSWER).build());
        Map<String, String> props = Reliability.withHec(Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start,
                work), receiver.baseUrl());
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());

        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= EVENTS);
        StopFigures stop = StopFigures.sigterm(connector, receiver, simulator);

        print("SIGTERM (hec answering after %d s): %d events received at SIGTERM; exit %d in %.1f s; %d POSTs (%d events)"
                        + " and %d Halo requests started after the signal", SPLUNK_ANSWER.toSeconds(), stop.receivedAtSignal(),
                stop.exit(), stop.seconds(), stop.postsAfter(), stop.eventsAfter(), stop.haloRequestsAfter());
        assertThat(stop.exit()).as("exit code after SIGTERM").isZero();
        stop.assertStartedNothingAndFinishedThePostsInFlight(connector);
        assertThat(Reliability.checkpoint(work).get("cursor").asText()).as("every page HEC took was committed")
                .isEqualTo(newestCreatedAt(receiver.received().stream().map(e -> e.get("event")).toList()));

        int before = receiver.received().size();
        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> receiver.received().size() >= all.size());
        assertThat(connector.terminate(20)).isZero();
        List<String> ids = Reliability.idsOfEnvelopes(receiver.received());
        long repeated = ids.subList(before, ids.size()).stream().filter(new HashSet<>(ids.subList(0, before))::contains).count();
        print("SIGTERM (hec answering after %d s): the stop took %.1f s, %d events delivered after the signal, the restart"
                + " sent %d events, %d of them again", SPLUNK_ANSWER.toSeconds(), stop.seconds(), stop.eventsAfter(),
                ids.size() - before, repeated);
        Reliability.assertExactlyOnce(ids, all);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermDuringALongRetryWaitExitsZeroWellWithinTheShutdownTimeout() throws Exception {
        Map<String, String> props = properties();
        props.put("halo.output", "file");
        props.put("halo.retry.maxDelay", "60s");
        List<Fault> failures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            failures.add(Fault.status(503));
        }
        simulator.faults().enqueue(failures.toArray(Fault[]::new)); // the first pages fail, again and again
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        // the fifth wait is 8 s or more (1 s doubling, jitter within 15%): SIGTERM lands inside it
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stderr().contains("attempt 5/8): retrying in"));
        long began = System.nanoTime();
        int exit = connector.terminate(20);
        long stopMillis = (System.nanoTime() - began) / 1_000_000;
        print("SIGTERM during a retry wait: exit %d in %d ms", exit, stopMillis);
        assertThat(exit).as("exit code").isZero();
        assertThat(stopMillis).as("the retry wait ended with the stop, not after it").isLessThan(5_000);
        assertThat(Reliability.linesInFiles(work.resolve("events"))).as("nothing was delivered").isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermWhileThePollWaitsForAPageWritesOnlyThePageHandedOverCommitsItAndARestartWritesTheRest() throws Exception {
        Map<String, String> props = properties();
        props.put("halo.output", "file");
        // one page requested at a time: the delayed request below is the page the poll waits for, and
        // the page before it is at most being written
        props.put("halo.fetch.concurrency", "1");
        Map<String, String> env = Reliability.secrets(simulator.apiSecret());
        Path events = work.resolve("events");

        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= 1_000);
        long requests = simulator.stats().eventsRequests();
        simulator.faults().enqueue(Fault.delay(Duration.ofSeconds(3))); // the next page comes 3 s late
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.stats().eventsRequests() > requests);
        long atSigterm = Reliability.linesInFiles(events);
        long began = System.nanoTime();
        int exit = connector.terminate(20);
        long stopMillis = (System.nanoTime() - began) / 1_000_000;

        List<String> first = Reliability.idsInFiles(events);
        print("SIGTERM (file): %d events written at SIGTERM, %d after the exit, exit %d in %d ms", atSigterm, first.size(),
                exit, stopMillis);
        assertThat(exit).as("exit code within 20 s of SIGTERM").isZero();
        // the page handed to the output before the signal may still have been on its way to the file at SIGTERM
        assertThat(first.size() - atSigterm).as("events written after SIGTERM: at most that page, not the one the poll"
                + " was waiting for").isLessThanOrEqualTo(100);
        assertThat(Reliability.repeats(first)).isZero();
        JsonNode checkpoint = Reliability.checkpoint(work);
        List<JsonNode> written = new ArrayList<>();
        Reliability.forEachFileEvent(events, written::add);
        assertThat(checkpoint.get("cursor").asText()).as("what was written was committed").isEqualTo(newestCreatedAt(written));
        String position = checkpoint.get("outputPosition").asText();
        Path file = events.resolve(position.substring(0, position.lastIndexOf(':')));
        assertThat(Files.size(file)).as("the checkpoint records the whole file").isEqualTo(
                Long.parseLong(position.substring(position.lastIndexOf(':') + 1)));

        connector = ConnectorProcess.start(work, props, env, List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Reliability.linesInFiles(events) >= EVENTS);
        assertThat(connector.terminate(20)).isZero();
        assertThat(connector.stderr()).doesNotContain("Removing"); // nothing written past the checkpoint to cut off
        List<String> all = Reliability.idsInFiles(events);
        print("SIGTERM (file): the restart wrote %d events, the page the poll was waiting for included", all.size() - first.size());
        assertThat(all.subList(0, first.size())).isEqualTo(first);
        Reliability.assertExactlyOnce(all, expected);
    }

    private static String newestCreatedAt(List<JsonNode> events) {
        return events.stream().map(e -> Instant.parse(e.get("created_at").asText())).max(Instant::compareTo)
                .orElseThrow().toString();
    }
}
