package io.haloconnector.hec;

import io.haloconnector.halo.HaloEvent;
import io.haloconnector.retry.AdaptiveConcurrency;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.haloconnector.hec.HecFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HEC pages in flight: pages delivered at once POST side by side (one slow answer does not hold
 * the others), and a 503 or 429 halves the pages in flight while accepted batches grow them back.
 */
class HecDeliveryInFlightTest {
    @TempDir
    Path stateDir;

    private HecFixture hec;

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
    }

    /** One page as the HEC output route gets it, delivered on the fixture's background thread. */
    private CompletableFuture<Void> deliverPage(HecDelivery sink, List<HaloEvent> page) {
        return hec.deliverAsync(sink, page);
    }

    @Test
    void pagesInFlightPostSideBySideSoASlowAnswerHoldsOnlyItsOwnPage() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.maxInFlight", "2", "hec.timeout", "20s");
        hec.receiver.faults().slow(Duration.ofSeconds(5)); // the first POST is answered 5 s after it arrived
        List<HaloEvent> first = SampleEvents.events(0, 10);
        List<HaloEvent> second = SampleEvents.events(10, 10);

        CompletableFuture<Void> slow = deliverPage(sink, first);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.faults().pending() == 0);
        deliverPage(sink, second).get(4, TimeUnit.SECONDS);

        assertThat(slow).as("the first page still waits for its answer").isNotDone();
        assertThat(hec.receivedIds()).as("the second page is in").containsAll(ids(second));
        slow.get(20, TimeUnit.SECONDS);
        assertThat(hec.receivedIds()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(first.stream(), second.stream()).map(HaloEvent::id).toList());
    }

    @Test
    void pinnedA503Or429HalvesThePagesInFlightAndAcceptedBatchesGrowThemBack() throws Exception {
        hec = HecFixture.start(stateDir);
        AdaptiveConcurrency inFlight = AdaptiveConcurrency.pinned(8);
        HecDelivery sink = hec.sink(inFlight, "hec.maxInFlight", "8");
        // 503 (busy), 429, then a 500 that says nothing about load
        hec.receiver.faults().busy(1).tooManyRequests(1, Duration.ZERO).internalError(1);

        deliverPage(sink, SampleEvents.events(0, 10)).get(10, TimeUnit.SECONDS);
        assertThat(inFlight.current()).as("8 halved twice; the 500 and one success leave it").isEqualTo(2);

        for (int page = 1; page <= 2; page++) {
            deliverPage(sink, SampleEvents.events(page * 10, 10)).get(10, TimeUnit.SECONDS);
        }
        assertThat(inFlight.current()).as("one more after as many successes in a row as the limit").isEqualTo(3);
        assertThat(hec.receiver.faults().pending()).isZero();
    }

    @Test
    void adaptiveEach503TakesAPageOffNeverBelowOne() throws Exception {
        hec = HecFixture.start(stateDir);
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        AdaptiveConcurrency inFlight = AdaptiveConcurrency.adaptive(8, nanos::get);
        HecDelivery sink = hec.sink(inFlight, "hec.maxInFlight", "8", "hec.retry.maxDelay", "50ms");
        // pages that waited for their turn, at HEC for 30 ms and committed 1 ms later, as many at once as the limit:
        // each page more brings its share of throughput, so the limit grows
        for (int i = 0; i < 1_000 && inFlight.current() < 4; i++) {
            long turn = nanos.addAndGet(31_000_000 / inFlight.current());
            inFlight.pageCommitted(turn, turn + 30_000_000, turn + 31_000_000, true);
        }
        assertThat(inFlight.current()).isEqualTo(4);
        hec.receiver.faults().busy(5); // HEC's queue is full: five 503s, each in a window of its own
        for (int i = 0; i < 5; i++) {
            nanos.addAndGet(20_000_000); // a window (one mean round trip) passes between two of them
        }
        CompletableFuture<Void> page = deliverPage(sink, SampleEvents.events(0, 1));
        page.get(30, TimeUnit.SECONDS);
        assertThat(inFlight.current()).as("back pressure took pages off").isLessThan(4);
        assertThat(hec.receiver.faults().pending()).isZero();
    }
}
