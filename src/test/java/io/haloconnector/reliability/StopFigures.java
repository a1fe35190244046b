package io.haloconnector.reliability;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.testkit.hec.HecReceiver;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIGTERM to a connector that sends to HEC, and what it started from the signal until its
 * routes had stopped, counted at the servers by arrival time: a request that arrived more than
 * {@link #IN_TRANSIT} after the signal was started after it. Up to its routes' stop, as another
 * node of a cluster takes the lead only after that (the lock goes with the services, later).
 *
 * @param signal            when the SIGTERM was sent
 * @param exit              the exit code, -1 when the process outlived the 20 s wait
 * @param took              from the signal to the exit
 * @param receivedAtSignal  envelopes HEC had taken at the signal
 * @param postsAfter        event POSTs started after the signal
 * @param eventsAfter       the events in them: delivered after the signal
 * @param haloRequestsAfter token and events requests started after the signal
 */
record StopFigures(Instant signal, int exit, Duration took, int receivedAtSignal, int postsAfter, int eventsAfter, long haloRequestsAfter) {
    /** A request sent just before the signal may reach its server this much later (loopback, 500 KB at most). */
    static final Duration IN_TRANSIT = Duration.ofMillis(200);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** SIGTERM now; waits up to 20 s for the exit. */
    static StopFigures sigterm(ConnectorProcess connector, HecReceiver receiver, HaloSimulator simulator)
            throws InterruptedException {
        int received = receiver.received().size();
        Instant signal = Instant.now();
        long began = System.nanoTime();
        int exit = connector.terminate(20);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        Instant from = signal.plus(IN_TRANSIT); // as startedAfter()
        Instant until = routesStopped(connector);
        List<HecReceiver.AcceptedRequest> posts = receiver.acceptedRequests().stream()
                .filter(post -> post.acceptedAt().isAfter(from) && !post.acceptedAt().isAfter(until)).toList();
        long halo = simulator.stats().requestTimes().stream().filter(at -> at.isAfter(from) && !at.isAfter(until)).count();
        return new StopFigures(signal, exit, took, received, posts.size(), posts.stream().mapToInt(HecReceiver.AcceptedRequest::events).sum(),
                halo);
    }

    /** When the connector logged that its routes had stopped (the last such line); now when it logged none. */
    private static Instant routesStopped(ConnectorProcess connector) {
        return connector.stderr().lines().filter(line -> line.contains("Routes stopped")).reduce((first, second) -> second)
                .map(line -> LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault()).toInstant()
                        .plusMillis(1))
                .orElse(Instant.now());
    }

    /** A request that arrived after this was started after the signal. */
    Instant startedAfter() {
        return signal.plus(IN_TRANSIT);
    }

    double seconds() {
        return took.toMillis() / 1000.0;
    }

    /**
     * No poll, page request or POST started after the signal, and the POSTs in flight were answered,
     * not aborted at half of the shutdown timeout (7.5 s).
     */
    void assertStartedNothingAndFinishedThePostsInFlight(ConnectorProcess connector) {
        assertThat(postsAfter).as("HEC POSTs started after the signal").isZero();
        assertThat(haloRequestsAfter).as("Halo requests started after the signal").isZero();
        assertThat(connector.stderr()).as("no request cut off by the stop, no poll started by it")
                .doesNotContain("Stopping: aborting").doesNotContain("the connector is stopping");
        assertThat(took).as("the stop waits for the answers in flight, not for the abort at half the shutdown timeout")
                .isLessThan(Duration.ofMillis(7_500));
    }
}
