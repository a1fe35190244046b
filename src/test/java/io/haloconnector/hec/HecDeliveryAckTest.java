package io.haloconnector.hec;

import io.haloconnector.LogCapture;
import ch.qos.logback.classic.Level;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.haloconnector.hec.HecFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With indexer acknowledgement, delivered means acked: flush waits for the acks and resends what is never acked. */
class HecDeliveryAckTest {

    @TempDir
    Path stateDir;
    private HecFixture hec;

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
    }

    @Test
    void flushWaitsUntilEveryBatchIsAcked() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().ackEnabled(true), stateDir);
        HecDelivery sink = hec.sink("hec.ack", "true", "hec.batch.events", "4");
        List<HaloEvent> page = SampleEvents.events(0, 10);
        hec.receiver.faults().delayAcks(Duration.ofDays(1));

        CompletableFuture<Void> delivery = hec.deliverAsync(sink, page);

        await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.receivedUnacked().size() == 10);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !delivery.isDone());
        assertThat(hec.receiver.received()).isEmpty();
        hec.receiver.faults().delayAcks(Duration.ZERO);

        delivery.get();
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
        assertThat(hec.receiver.receivedUnacked()).isEmpty();
        assertThat(hec.receiver.acceptedRequests()).hasSize(3);
    }

    @Test
    void aBatchNotAckedInTimeIsResentAndAckedOnce() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().ackEnabled(true), stateDir);
        HecDelivery sink = hec.sink("hec.ack", "true", "hec.ack.timeout", "300ms");
        List<HaloEvent> page = SampleEvents.events(0, 6);
        hec.receiver.faults().delayAcks(Duration.ofDays(1));

        try (LogCapture logs = new LogCapture()) {
            CompletableFuture<Void> delivery = hec.deliverAsync(sink, page);
            await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.acceptedRequests().size() >= 2);
            assertThat(delivery).isNotDone();
            hec.receiver.faults().delayAcks(Duration.ZERO);
            delivery.get();
            assertThat(logs.lines(Level.WARN)).anyMatch(w -> w.startsWith("HEC did not acknowledge ackId 0 (6 events) within 300 ms; resending"));
        }

        assertThat(hec.receivedIds()).as("only the copy the sink polled for is acked").containsExactlyElementsOf(ids(page));
    }

    @Test
    void ackOnAgainstATokenWithoutAcknowledgementSaysSo() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.ack", "true");

        try (LogCapture logs = new LogCapture()) {
            hec.deliverAsync(sink, SampleEvents.events(0, 3)).get();
            assertThat(logs.lines(Level.WARN)).anyMatch(w -> w.startsWith("hec.ack=true but HEC answered without an ackId"));
        }
        assertThat(hec.receiver.received()).hasSize(3);
    }
}
