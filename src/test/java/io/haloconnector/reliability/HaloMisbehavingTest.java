package io.haloconnector.reliability;

import io.haloconnector.simulator.Fault;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Halo misbehaving for a long stretch (30 s in the default suite, 5 minutes with
 * -Dreliability.full=true): every request meets a 5xx, a 429 with Retry-After, a reset or a
 * truncated page, and the token is revoked. The connector backs off instead of hammering the API
 * (the requests counted during the stretch stay under the bound the backoff allows), then catches
 * up by itself: every event once on stdout.
 */
class HaloMisbehavingTest {
    private static final int EVENTS = 3_000;
    private static final int MAX_ATTEMPTS = 8;
    private static final Duration MAX_DELAY = Duration.ofSeconds(4);

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
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aLongBadStretchIsWaitedOutWithBoundedRequestsThenCaughtUpExactlyOnce() throws Exception {
        Duration stretch = Reliability.full() ? Duration.ofMinutes(5) : Duration.ofSeconds(30);
        simulator = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(50)).build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        simulator.events().generate(51, start, Instant.now().minusSeconds(30), EVENTS);
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "100");
        props.put("halo.retry.maxAttempts", Integer.toString(MAX_ATTEMPTS));
        props.put("halo.retry.maxDelay", MAX_DELAY.toSeconds() + "s");

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stdout().lines().count() >= 500);
        List<Fault> storm = new ArrayList<>();
        for (int i = 0; i < 500; i++) { // far more than the stretch can use up
            storm.addAll(List.of(Fault.status(503), Fault.tooManyRequests(3), Fault.connectionReset(), Fault.status(500),
                    Fault.truncatedBody(), Fault.tooManyRequests(3), Fault.status(502), Fault.status(504)));
        }
        simulator.faults().enqueue(storm.toArray(Fault[]::new));
        simulator.faults().revokeTokens();
        long requests = simulator.stats().eventsRequests();
        long tokens = simulator.stats().tokenRequests();
        long began = System.nanoTime();
        await().atMost(stretch.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> System.nanoTime() - began >= stretch.toNanos());
        simulator.faults().clear();
        long badRequests = simulator.stats().eventsRequests() - requests;
        long tokenRequestsDuringStretch = simulator.stats().tokenRequests() - tokens;
        long delivered = connector.stdout().lines().count();
        long recovered = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).until(() -> connector.stdout().lines().count() >= EVENTS);
        long catchUpMillis = (System.nanoTime() - recovered) / 1_000_000;
        assertThat(connector.terminate(20)).isZero();

        // one poll tries a page MAX_ATTEMPTS times with backoff waits of at least half of
        // min(cap, 1 s x 2^(attempt-1)) between them; then the next poll starts over
        long minPollMillis = 0;
        for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
            minPollMillis += Math.min(MAX_DELAY.toMillis(), 1000L << (attempt - 1)) / 2;
        }
        long bound = MAX_ATTEMPTS * (stretch.toMillis() / minPollMillis + 1);
        long gaveUp = connector.stderr().lines().filter(line -> line.contains("after " + MAX_ATTEMPTS + " attempts")).count();
        print("Halo bad stretch of %d s: %d events requests (bound %d from halo.retry.maxAttempts=%d, maxDelay=%s;"
                        + " unthrottled it would be thousands), %d polls gave up, %d token requests during it, %d after",
                stretch.toSeconds(), badRequests, bound, MAX_ATTEMPTS, MAX_DELAY, gaveUp, tokenRequestsDuringStretch,
                simulator.stats().tokenRequests() - tokens - tokenRequestsDuringStretch);
        print("Halo bad stretch: %d of %d events delivered before it; caught up %d ms after it; answers %s",
                delivered, EVENTS, catchUpMillis, simulator.stats().statusCounts());
        assertThat(badRequests).as("events requests during the bad stretch").isPositive().isLessThanOrEqualTo(bound);
        assertThat(gaveUp).as("polls that gave up and were started again").isPositive();
        assertThat(simulator.stats().statusCounts()).as("the revoked token was met").containsKey(401);
        assertThat(simulator.stats().tokenRequests()).as("a new token after the revocation").isGreaterThan(tokens);
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
    }
}
