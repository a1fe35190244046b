package io.haloconnector.retry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages in flight follow the output's round-trip time: one more a window while it stays flat
 * and the output is full, a tenth off when it rises or back pressure comes; driven by a fake clock
 * and round-trip sequences.
 */
class AdaptiveConcurrencyTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AdaptiveConcurrency limit = AdaptiveConcurrency.adaptive(8, nanos::get);

    /**
     * One round trip's worth of answers of a full output: as many as the pages in flight, each
     * {@code millis} after it was sent, so they arrive {@code millis / pages} apart.
     */
    private void window(double millis) {
        int pages = limit.current();
        long rtt = (long) (millis * 1_000_000);
        for (int i = 0; i < pages; i++) {
            limit.pageStarted(limit.current());
            nanos.addAndGet(rtt / pages);
            limit.answered(rtt);
        }
    }

    private void answered(double millis) {
        long rtt = (long) (millis * 1_000_000);
        nanos.addAndGet(rtt);
        limit.answered(rtt);
    }

    /** A round trip a little around {@code millis}, as a real one varies. */
    private static double around(double millis, int i) {
        return millis * (i % 2 == 0 ? 0.98 : 1.02);
    }

    @Test
    void startsAtOnePageAndAddsOneAtATimeWhileTheRoundTripStaysFlatUpToTheCeiling() {
        assertThat(limit.current()).isEqualTo(1);
        int before = limit.current();
        for (int i = 0; i < 30; i++) {
            window(30);
            assertThat(limit.current()).as("one page more at most a window").isBetween(before, before + 1);
            before = limit.current();
        }
        assertThat(limit.current()).as("hec.maxInFlight is the ceiling").isEqualTo(8);
    }

    @Test
    void addsNoPageWhileTheOutputHasFewerPagesThanItMayTake() {
        for (int i = 0; i < 20; i++) {
            limit.pageStarted(0); // the poll brings pages slower than the output takes them: one more would idle
            answered(around(30, i));
        }
        assertThat(limit.current()).isEqualTo(1);
    }

    @Test
    void aRisingRoundTripTakesPagesOffAndAFlatOneAddsThemBack() {
        for (int i = 0; i < 20; i++) {
            window(10);
        }
        assertThat(limit.current()).isEqualTo(8);
        // each page more now only queues: the round trip grows with the pages in flight
        window(40);
        window(60);
        int low = limit.current();
        assertThat(low).as("a tenth off, at least one page, at each window far above the mean").isBetween(5, 7);
        for (int i = 0; i < 40; i++) {
            window(around(60, i));
        }
        assertThat(limit.current()).as("flat again at the new level: the pages come back").isEqualTo(8);
    }

    @Test
    void aSlowerAnswerWithinTheNoiseChangesNothing() {
        for (int i = 0; i < 6; i++) {
            window(i % 2 == 0 ? 20 : 40); // a noisy link: the deviation is about 10 ms
        }
        int before = limit.current();
        limit.pageStarted(0);
        answered(41); // above the mean, within 2.5 deviations of it
        assertThat(limit.current()).isEqualTo(before);
    }

    @Test
    void backPressureTakesATenthOffAtTheWindowsEndNeverBelowOnePage() {
        AdaptiveConcurrency wide = AdaptiveConcurrency.adaptive(64, nanos::get);
        for (int i = 0; i < 40; i++) {
            wide.pageStarted(wide.current());
            nanos.addAndGet(10_000_000);
            wide.answered(10_000_000);
        }
        assertThat(wide.current()).isEqualTo(40);
        nanos.addAndGet(10_000_000);
        wide.backPressure(); // 503 or 429
        assertThat(wide.current()).as("40 x 0.9").isEqualTo(36);

        for (int i = 0; i < 100; i++) {
            nanos.addAndGet(10_000_000);
            wide.backPressure();
        }
        assertThat(wide.current()).isEqualTo(1);
    }

    @Test
    void theLimitMovesOnceAWindowOfOneMeanRoundTrip() {
        window(30);
        limit.pageStarted(1);
        nanos.addAndGet(30_000_000);
        limit.answered(30_000_000);
        assertThat(limit.current()).isEqualTo(2);
        // two more answers within the same 30 ms: the window is not over
        limit.pageStarted(2);
        nanos.addAndGet(5_000_000);
        limit.answered(25_000_000);
        limit.pageStarted(2);
        nanos.addAndGet(5_000_000);
        limit.answered(25_000_000);
        assertThat(limit.current()).isEqualTo(2);
        nanos.addAndGet(25_000_000);
        limit.answered(25_000_000);
        assertThat(limit.current()).as("the window is over: one more").isEqualTo(3);
    }

    @Test
    void pinnedItStaysAtTheCeilingAndOnlyBackPressureLowersItForAWhile() {
        AdaptiveConcurrency pinned = AdaptiveConcurrency.pinned(8);
        assertThat(pinned.current()).isEqualTo(8);
        pinned.answered(500_000_000); // a slow answer is no reason with the limit pinned
        assertThat(pinned.current()).isEqualTo(8);
        pinned.backPressure();
        pinned.backPressure();
        assertThat(pinned.current()).as("8 halved twice").isEqualTo(2);
        pinned.accepted();
        pinned.accepted();
        assertThat(pinned.current()).as("one more after as many successes in a row as the limit").isEqualTo(3);
    }
}
