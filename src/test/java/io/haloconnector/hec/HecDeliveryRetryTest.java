package io.haloconnector.hec;

import io.haloconnector.LogCapture;
import ch.qos.logback.classic.Level;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.haloconnector.hec.HecFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** When HEC is busy, down or misconfigured: the same batch is retried, nothing is lost or repeated, and the caller is held back. */
class HecDeliveryRetryTest {

    @TempDir
    Path stateDir;
    private HecFixture hec;
    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new LogCapture();
    }

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
        logs.close();
    }

    /** The receiver's host:port, which every line about a failed request names. */
    private String address() {
        return hec.receiver.baseUrl().getAuthority();
    }

    @Test
    void busyBurstsThenSuccessLoseAndRepeatNothing() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.events", "10");
        hec.receiver.faults().busy(3).internalError(1).badGateway(1).reset(1).tooManyRequests(1, Duration.ZERO);
        List<HaloEvent> page = SampleEvents.events(0, 25);

        hec.deliverAsync(sink, page).get();

        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
        assertThat(hec.receiver.faults().pending()).isZero();
        List<String> warnings = logs.lines(Level.WARN);
        assertThat(warnings).filteredOn(w -> w.startsWith("HEC answered")).hasSize(6);
        assertThat(warnings).anyMatch(w -> w.contains("HTTP 503 (code 9, Server is busy)"))
                .anyMatch(w -> w.contains("HTTP 500 (code 8"))
                .anyMatch(w -> w.contains("HTTP 502 (no HEC code)"))
                .anyMatch(w -> w.contains("HTTP 429"));
        // the reset is no answer at all: an ERROR naming HEC's address and the setting
        assertThat(logs.lines(Level.ERROR)).singleElement().asString()
                .startsWith("HEC at " + address() + " gave no answer (").contains("check hec.url");
        assertThat(hec.receiver.stats().answers(17)).as("health consulted after repeated failures").isPositive();
    }

    @Test
    void onceTheConnectorIsStoppingAPageHandedOverSendsAllItsBatchesButAFailedBatchIsNotRetried() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.events", "10");
        hec.stopping().stop();

        List<HaloEvent> page = SampleEvents.events(0, 25);
        hec.deliverAsync(sink, page).get();
        assertThat(hec.receivedIds()).as("three batches, all sent: the page can be committed").containsExactlyElementsOf(ids(page));

        hec.receiver.faults().busy(1);
        assertThatThrownBy(() -> hec.deliverAsync(sink, SampleEvents.events(25, 5)).get())
                .hasCauseInstanceOf(HecSinkClosedException.class);
        assertThat(hec.receiver.stats().requests()).as("the busy batch was not sent again, nor the health asked").isEqualTo(4);
        assertThat(hec.receivedIds()).hasSize(25);
    }

    @Test
    void honoursRetryAfterUpToTheMaximumDelay() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.retry.maxDelay", "5s");
        hec.receiver.faults().tooManyRequests(1, Duration.ofSeconds(1));

        long start = System.nanoTime();
        hec.deliverAsync(sink, SampleEvents.events(0, 3)).get();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        assertThat(hec.receiver.received()).hasSize(3);
    }

    @Test
    void anOutageBlocksFlushUntilHecIsBack() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink();
        List<HaloEvent> page = SampleEvents.events(0, 30);
        hec.receiver.faults().setOutage(true);

        CompletableFuture<Void> delivery = hec.deliverAsync(sink, page);

        await().atMost(Duration.ofSeconds(10)).until(() -> hec.receiver.stats().refusedConnections() >= 5);
        // no answer: one ERROR line each, naming HEC's address and the setting
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines(Level.ERROR).stream().anyMatch(e -> e.startsWith(
                "HEC health check at " + address() + " gave no answer (") && e.contains("check hec.url")));
        assertThat(delivery).isNotDone();
        hec.receiver.faults().setOutage(false);

        delivery.get();
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
    }

    @Test
    void whileHecIsDownAPageRetriesItsFirstBatchOnlyAndThenSendsTheRestInOrder() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.events", "10");
        List<HaloEvent> page = SampleEvents.events(0, 100);
        hec.receiver.faults().busy(4);

        hec.deliverAsync(sink, page).get();

        // one batch at a time, in page order: the busy answers held the page at its first batch
        assertThat(hec.receiver.acceptedRequests()).hasSize(10).allSatisfy(r -> assertThat(r.events()).isEqualTo(10));
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
        assertThat(hec.receiver.stats().answers(9)).isEqualTo(4);
    }

    @Test
    void aWrongTokenLogsCode4AndResumesOnceTheTokenIsFixed() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink();
        List<HaloEvent> page = SampleEvents.events(0, 12);
        hec.receiver.faults().setToken("a-token-splunk-rotated");

        CompletableFuture<Void> delivery = hec.deliverAsync(sink, page);

        await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.stats().answers(4) >= 2);
        assertThat(logs.lines(Level.ERROR)).first().asString()
                .startsWith("HEC at " + address() + " refused the token (code 4, Invalid token): check hec.token");
        assertThat(delivery).isNotDone();
        hec.receiver.faults().setToken(HecFixture.TOKEN);

        delivery.get();
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
    }

    @Test
    void anIndexTheTokenMayNotUseLogsCode7() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().allowedIndexes(Set.of("cloudpassage")), stateDir);
        HecDelivery sink = hec.sink("hec.index", "main");

        CompletableFuture<Void> delivery = hec.deliverAsync(sink, SampleEvents.events(0, 2));

        await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines(Level.ERROR).stream()
                .anyMatch(e -> e.startsWith("HEC at " + address() + " refused index 'main' (code 7, Incorrect index): check hec.index")));
        assertThat(delivery).isNotDone();
        assertThat(hec.receiver.received()).isEmpty();
    }

    @Test
    void aTokenWithAcknowledgementNeedsHecAck() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().ackEnabled(true), stateDir);
        HecDelivery sink = hec.sink();

        hec.deliverAsync(sink, SampleEvents.events(0, 2));

        await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines(Level.ERROR).stream()
                .anyMatch(e -> e.startsWith("HEC at " + address() + " requires a channel (code 10, Data channel is missing)") && e.contains("hec.ack=true")));
    }

    @Test
    void closeEndsABlockedFlushAtOnce() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.retry.maxDelay", "30s");
        hec.receiver.faults().setUnhealthy(true);
        CompletableFuture<Void> delivery = hec.deliverAsync(sink, SampleEvents.events(0, 5));
        await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.stats().answers(9) >= 1);

        long start = System.nanoTime();
        sink.close();

        assertThatThrownBy(delivery::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HecSinkClosedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThatThrownBy(() -> hec.deliver(sink, List.of(SampleEvents.event(9)))).isInstanceOf(HecSinkClosedException.class);
    }

    @Test
    void closeAbortsARequestInFlight() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.timeout", "60s");
        hec.receiver.faults().slow(Duration.ofSeconds(30));
        CompletableFuture<Void> delivery = hec.deliverAsync(sink, SampleEvents.events(0, 5));
        await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.stats().requests() >= 1);

        sink.close();

        assertThatThrownBy(() -> delivery.get(2, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HecSinkClosedException.class);
    }

    @Test
    void anInterruptEndsABlockedFlush() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.retry.maxDelay", "30s");
        hec.receiver.faults().setOutage(true);
        CompletableFuture<Thread> deliverer = new CompletableFuture<>();
        CompletableFuture<Void> delivery = hec.async(() -> {
            deliverer.complete(Thread.currentThread());
            hec.deliver(sink, SampleEvents.events(0, 5));
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.stats().refusedConnections() >= 1);

        deliverer.get().interrupt();

        assertThatThrownBy(() -> delivery.get(2, java.util.concurrent.TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
    }

    @Test
    void aReadTimeoutIsRetried() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.timeout", "300ms");
        hec.receiver.faults().slow(Duration.ofSeconds(1));

        hec.deliverAsync(sink, SampleEvents.events(0, 4)).get();

        assertThat(logs.lines(Level.ERROR)).anyMatch(e -> e.startsWith("HEC at " + address()
                + " gave no complete answer within 300ms (hec.timeout) to a batch of"));
        // the slow request was accepted after the sender gave up on it: at least once, never lost
        await().atMost(Duration.ofSeconds(3)).until(() -> hec.receiver.received().size() == 8);
    }
}
