package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.hec.HecFaults;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers that never finish, from Halo's token and events endpoints and from HEC: a body that
 * stalls after its first bytes, a body trickled at 1 byte/s (every socket read gets a byte, so
 * HttpClient's own timeouts never fire), no answer at all. Each such request fails about
 * {@code halo.api.timeout} / {@code hec.timeout} after it started, is retried, and nothing is lost
 * or repeated; a SIGTERM with one in flight exits 0 within the shutdown timeout, also when the
 * request's own timeout is far longer, and commits what was delivered.
 */
class StuckAnswersTest {
    private static final int EVENTS = 300;
    private static final Duration LIMIT = Duration.ofSeconds(2);
    /** camel.main.shutdownTimeout in the shipped application.properties. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);
    /**
     * How late after LIMIT a stuck request may be seen failing: the limit runs from the start of the
     * request, a little before the server sees it; the test notices the request by polling every
     * 10 ms and reads the failure's time from the connector's log line; the two cores are shared.
     */
    private static final Duration SLACK = Duration.ofMillis(1_500);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private HecReceiver receiver;
    private ConnectorProcess connector;
    private Instant start;

    @BeforeEach
    void startServers() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        simulator.events().generate(15, start, Instant.now().minusSeconds(60), EVENTS);
        receiver = HecReceiver.start(HecReceiverConfig.builder().token(Reliability.HEC_TOKEN).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        receiver.close();
        simulator.close();
    }

    private Map<String, String> properties() {
        Map<String, String> props = Reliability.withHec(
                Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work), receiver.baseUrl());
        props.put("halo.perPage", "100");
        props.put("halo.retry.maxDelay", "1s");
        // one POST at a time: the stuck one is the only page not committed, so the checkpoint ends
        // exactly at the newest event HEC took (with several, later pages HEC took wait for it)
        props.put("hec.maxInFlight", "1");
        return props;
    }

    private void startConnector(Map<String, String> props) throws Exception {
        // the launcher's JVM options: a quicker start
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()),
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }

    private static Fault haloFault(String kind) {
        return switch (kind) {
            case "stalled" -> Fault.stalledBody();
            case "trickled" -> Fault.trickledBody(Duration.ofSeconds(1));
            default -> Fault.hang();
        };
    }

    private static void hecFault(HecFaults faults, String kind) {
        switch (kind) {
            case "stalled" -> faults.stalledAnswer();
            case "trickled" -> faults.trickledAnswer(Duration.ofSeconds(1));
            default -> faults.hang();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stalled", "trickled", "hang"})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aStuckTokenEventsOrHecRequestFailsAtItsTimeoutIsRetriedAndASigtermWithOneInFlightExitsZero(String kind)
            throws Exception {
        Map<String, String> props = properties();
        props.put("halo.api.timeout", LIMIT.toSeconds() + "s");
        props.put("hec.timeout", LIMIT.toSeconds() + "s");
        // one after the other: the token request, then page 1, then page 1's POST to HEC
        simulator.faults().enqueueForToken(haloFault(kind));
        simulator.faults().enqueue(haloFault(kind));
        hecFault(receiver.faults(), kind);
        startConnector(props);

        Duration token = failureTime(arrival(simulator.stats()::tokenRequests, 0),
                "could not be reached for a token: no complete answer within 2s (halo.api.timeout)");
        Duration events = failureTime(arrival(simulator.stats()::eventsRequests, 0),
                "could not be read: no complete answer within 2s (halo.api.timeout)");
        Duration hec = failureTime(arrival(() -> receiver.stats().requests(), 0),
                "gave no complete answer within 2s (hec.timeout)");
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= EVENTS);
        print("Stuck answers (%s, timeouts 2s): the token request failed %d ms after it reached Halo, the events request"
                + " %d ms, the HEC POST %d ms; each was retried", kind, token.toMillis(), events.toMillis(), hec.toMillis());
        assertThat(List.of(token, events, hec)).allSatisfy(took -> assertThat(took).isBetween(LIMIT.minusMillis(300), LIMIT.plus(SLACK)));
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Reliability.assertExactlyOnce(Reliability.idsOfEnvelopes(receiver.received()), expected);

        // then a SIGTERM with one stuck request in flight: the events, the HEC POST or the token request
        String inFlight = switch (kind) {
            case "stalled" -> {
                long requests = simulator.stats().eventsRequests();
                simulator.faults().enqueue(haloFault(kind)); // the next poll's request
                arrival(simulator.stats()::eventsRequests, requests);
                yield "an events request";
            }
            case "trickled" -> {
                long requests = receiver.stats().requests();
                hecFault(receiver.faults(), kind);
                simulator.events().generate(16, Instant.now().minusSeconds(30), Instant.now().minusSeconds(20), 50);
                arrival(() -> receiver.stats().requests(), requests);
                yield "a HEC POST";
            }
            default -> {
                long requests = simulator.stats().tokenRequests();
                simulator.faults().enqueueForToken(haloFault(kind));
                simulator.faults().revokeTokens(); // the next poll needs a new token
                arrival(simulator.stats()::tokenRequests, requests);
                yield "a token request";
            }
        };
        Duration exit = sigtermWithin(SHUTDOWN_TIMEOUT);
        print("Stuck answers (%s): SIGTERM with %s in flight: exit 0 in %d ms", kind, inFlight, exit.toMillis());
        assertCommittedWhatWasDelivered();
        List<String> delivered = Reliability.idsOfEnvelopes(receiver.received());
        assertThat(Reliability.repeats(delivered)).as("events sent to HEC twice").isZero();
        assertThat(delivered).containsAll(expected);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSigtermEndsAHangingTokenRequestWithinTheShutdownTimeoutThoughHaloApiTimeoutIsLonger() throws Exception {
        Map<String, String> props = properties(); // halo.api.timeout: 60s, the default
        simulator.faults().enqueueForToken(Fault.hang());
        startConnector(props);
        arrival(simulator.stats()::tokenRequests, 0);

        Duration exit = sigtermWithin(SHUTDOWN_TIMEOUT);

        print("Hanging token request, halo.api.timeout=60s: SIGTERM to exit 0 in %d ms", exit.toMillis());
        assertThat(connector.stderr()).contains("Stopping: aborting 1 requests still unanswered 7500 ms after the stop began")
                .contains("aborted: the connector is stopping");
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSigtermEndsAStalledHecAnswerWithinTheShutdownTimeoutThoughHecTimeoutIsLonger() throws Exception {
        Map<String, String> props = properties(); // hec.timeout: 30s, the default
        startConnector(props);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= EVENTS);
        long requests = receiver.stats().requests();
        receiver.faults().stalledAnswer();
        simulator.events().generate(16, Instant.now().minusSeconds(30), Instant.now().minusSeconds(20), 50);
        arrival(() -> receiver.stats().requests(), requests);

        Duration exit = sigtermWithin(SHUTDOWN_TIMEOUT);

        print("Stalled HEC answer, hec.timeout=30s: SIGTERM to exit 0 in %d ms", exit.toMillis());
        assertThat(connector.stderr()).contains("Stopping: aborting 1 requests still unanswered 7500 ms after the stop began")
                .doesNotContain("IllegalStateException"); // a poll that starts after the abort ends at once, cleanly
        // the stalled POST's page is not committed: a restart sends it again, and HEC did not take it
        assertCommittedWhatWasDelivered();
        assertThat(receiver.received()).hasSize(EVENTS);
        assertThat(Reliability.repeats(Reliability.idsOfEnvelopes(receiver.received()))).isZero();
    }

    /** Waits for {@code counter} to pass {@code above}: the moment a request reached the server. */
    private static Instant arrival(LongSupplier counter, long above) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> counter.getAsLong() > above);
        return Instant.now();
    }

    /** How long after {@code arrival} the connector logged the failure {@code message} (read from its log line's time). */
    private Duration failureTime(Instant arrival, String message) {
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stderr().contains(message));
        String line = connector.stderr().lines().filter(l -> l.contains(message)).findFirst().orElseThrow();
        Instant logged = LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant();
        return Duration.between(arrival, logged);
    }

    /** SIGTERM; asserts exit 0 within {@code bound} and no forced stop; returns how long it took. */
    private Duration sigtermWithin(Duration bound) throws InterruptedException {
        long began = System.nanoTime();
        int exit = connector.terminate(bound.toSeconds() + 10);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(exit).as("exit code after SIGTERM").isZero();
        assertThat(took).as("SIGTERM to exit").isLessThan(bound);
        assertThat(connector.stderr()).doesNotContain("Timeout occurred during graceful shutdown")
                .as("no secret in the log, whatever cut the requests off")
                .doesNotContain(simulator.apiSecret(), Reliability.HEC_TOKEN, "Bearer ", "Authorization:");
        return took;
    }

    /** The checkpoint's cursor is the newest event HEC took: what was delivered is committed, nothing more. */
    private void assertCommittedWhatWasDelivered() {
        Instant newest = receiver.received().stream().map(e -> e.get("event"))
                .map(e -> Instant.parse(e.get("created_at").asText())).max(Instant::compareTo).orElseThrow();
        JsonNode checkpoint = Reliability.checkpoint(work);
        assertThat(Instant.parse(checkpoint.get("cursor").asText())).as("checkpoint cursor").isEqualTo(newest);
    }
}
