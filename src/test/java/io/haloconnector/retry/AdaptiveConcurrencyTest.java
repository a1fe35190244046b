package io.haloconnector.retry;

import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToDoubleFunction;

import static io.haloconnector.retry.AdaptiveConcurrency.FIRST_HOLD;
import static io.haloconnector.retry.AdaptiveConcurrency.MAX_HOLD;
import static io.haloconnector.retry.AdaptiveConcurrency.MEASURED_PAGES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages at HEC follow the pages' round trips: a page more stays only while it raises throughput,
 * a rising receiver round trip or back pressure takes a tenth off; driven by a fake clock and simulated
 * outputs whose receiver round trip depends on the pages at it at once.
 */
class AdaptiveConcurrencyTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    /** A HEC whose round trip is the network: a page more at once costs it nothing, so throughput scales with pages. */
    private static final IntToDoubleFunction FAR = pages -> 30.0;

    /**
     * One measurement of an output at its limit: {@link AdaptiveConcurrency#MEASURED_PAGES} pages that
     * waited for their turn, sent as many at once as the limit allows, each at the receiver
     * {@code receiverMillis(pages at once)} and committed {@code restMillis} later. The clock moves to the
     * last commit, so the next pages take their turn after any change this measurement made.
     */
    private void measurement(AdaptiveConcurrency arc, IntToDoubleFunction receiverMillis, double restMillis) {
        int left = MEASURED_PAGES;
        while (left > 0) {
            int atOnce = arc.current();
            long turnedAt = nanos.get();
            long returnedAt = turnedAt + nanosOf(receiverMillis.applyAsDouble(atOnce));
            long committedAt = returnedAt + nanosOf(restMillis);
            for (int i = 0; i < atOnce && left > 0; i++, left--) {
                arc.pageCommitted(turnedAt, returnedAt, committedAt, true);
            }
            nanos.set(committedAt);
        }
    }

    /** A page committed {@code receiverMillis + restMillis} after its turn now, which waited for it or not. */
    private void page(AdaptiveConcurrency arc, double receiverMillis, double restMillis, boolean waited) {
        long turnedAt = nanos.get();
        long returnedAt = turnedAt + nanosOf(receiverMillis);
        long committedAt = returnedAt + nanosOf(restMillis);
        arc.pageCommitted(turnedAt, returnedAt, committedAt, waited);
        nanos.set(committedAt);
    }

    /** Measurements of a far HEC until the limit is at {@code pages}, the page that brought it there on trial. */
    private void climbTo(AdaptiveConcurrency arc, int pages) {
        for (int i = 0; i < 100 && arc.current() < pages; i++) {
            measurement(arc, FAR, 1);
        }
        assertThat(arc.current()).as("a far HEC climbs").isEqualTo(pages);
    }

    /** Measurements of a far HEC until the limit is at the ceiling and the trial of its last page is kept. */
    private void climbToTheCeiling(AdaptiveConcurrency arc) {
        climbTo(arc, arc.max());
        measurement(arc, FAR, 1);
        assertThat(arc.current()).as("the ceiling's page kept").isEqualTo(arc.max());
    }

    private static long nanosOf(double millis) {
        return Math.round(millis * 1_000_000);
    }

    @Test
    void aFarHecClimbsOnePageAtATimeFromOneToTheCeilingAndNeverBeyond() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        assertThat(arc.current()).as("starts at one page").isEqualTo(1);
        int before = arc.current();
        for (int i = 0; i < 200; i++) {
            measurement(arc, FAR, 1);
            assertThat(arc.current()).as("one page more at most a measurement, never beyond the ceiling")
                    .isBetween(before, Math.min(8, before + 1));
            before = arc.current();
            if (i >= 20) {
                assertThat(arc.current()).as("at the ceiling after twenty measurements").isEqualTo(8);
            }
        }
    }

    @Test
    void aNearHecStaysAtOnePageHoweverLongItRuns() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        for (int i = 0; i < 1_000; i++) {
            measurement(arc, pages -> 3.0, 1.5); // receiver 2x the commit: a second page would only double what a crash repeats
            assertThat(arc.current()).as("no trial of a second page").isEqualTo(1);
        }
    }

    @Test
    void aSecondPageIsTriedFromAReceiverOf25MsAndFiveTimesTheCommitInTwoMeasurementsInARow() {
        AdaptiveConcurrency quick = AdaptiveConcurrency.adaptive(8, nanos::get);
        AdaptiveConcurrency busy = AdaptiveConcurrency.adaptive(8, nanos::get);
        for (int i = 0; i < 10; i++) {
            measurement(quick, pages -> 20.0, 1.0); // 20 times the commit, but 20 ms: a HEC next door, a cold start
            measurement(busy, pages -> 30.0, 6.5); // 30 ms, but 4.6 times the commit: a loaded host's own HEC
        }
        assertThat(quick.current()).isEqualTo(1);
        assertThat(busy.current()).isEqualTo(1);

        AdaptiveConcurrency far = AdaptiveConcurrency.adaptive(8, nanos::get);
        measurement(far, pages -> 30.0, 5.5); // 30 ms and 5.5 times the commit
        assertThat(far.current()).as("one far measurement: a slow start, no trial yet").isEqualTo(1);
        measurement(far, pages -> 30.0, 5.5);
        assertThat(far.current()).as("a second page on trial").isEqualTo(2);
    }

    @Test
    void oneFarMeasurementBetweenNearOnesTriesNothing() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        for (int i = 0; i < 100; i++) {
            double receiver = i % 2 == 0 ? 30.0 : 3.0; // a cold JVM's slow pages now and then
            measurement(arc, pages -> receiver, 1.5);
            assertThat(arc.current()).as("no trial of a second page").isEqualTo(1);
        }
    }

    @Test
    void aFarReceiverThatServesOnePageAtATimeGetsTrialsOfASecondPageEachTakenBackAndSpacedOutDoubling() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        IntToDoubleFunction serialising = pages -> 30.0 * pages; // each page waits for the others: throughput flat
        List<Integer> trials = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            int before = arc.current();
            measurement(arc, serialising, 1);
            assertThat(arc.current()).as("never more than the second page on trial").isBetween(1, 2);
            if (before == 1 && arc.current() == 2) {
                trials.add(i);
            }
            if (before == 2) {
                assertThat(arc.current()).as("the second page brought nothing: taken back after one measurement").isEqualTo(1);
            }
        }
        assertThat(trials.get(0)).as("a far receiver: the second page is tried at the second measurement").isEqualTo(1);
        List<Integer> holds = new ArrayList<>();
        for (int t = 1; t < trials.size(); t++) {
            holds.add(trials.get(t) - trials.get(t - 1) - 2); // minus the trial's own two measurements
        }
        List<Integer> doubling = new ArrayList<>();
        for (int hold = FIRST_HOLD; hold < MAX_HOLD; hold *= 2) {
            doubling.add(hold);
        }
        doubling.add(MAX_HOLD);
        doubling.add(MAX_HOLD);
        assertThat(doubling).as("the holds double from the first to the longest").hasSizeGreaterThan(4);
        assertThat(holds).as("measurements without a trial between two trials").startsWith(doubling.toArray(Integer[]::new));
        assertThat(holds).as("never longer than the longest hold").allSatisfy(hold -> assertThat(hold).isLessThanOrEqualTo(MAX_HOLD));
    }

    /** A far HEC up to four pages; at five its round trip such that throughput rises by {@code gain} over four. */
    private static IntToDoubleFunction fifthPageBrings(double gain) {
        double cycleAtFour = 31.0;
        double cycleAtFive = 5 * cycleAtFour / (4 * (1 + gain)); // 5 / cycle = (1 + gain) x 4 / 31
        return pages -> pages <= 4 ? 30.0 : cycleAtFive - 1;
    }

    @Test
    void eachKeptPageIsFollowedAtOnceByTheTrialOfTheNextItsMeasurementTheBaseline() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        measurement(arc, FAR, 1);
        measurement(arc, FAR, 1);
        assertThat(arc.current()).as("a far HEC: the second page on trial").isEqualTo(2);
        for (int pages = 3; pages <= 8; pages++) {
            measurement(arc, FAR, 1);
            assertThat(arc.current()).as("the trial page kept and the next on trial in the same measurement").isEqualTo(pages);
        }
        measurement(arc, FAR, 1);
        assertThat(arc.current()).as("the ceiling's page kept, no trial beyond").isEqualTo(8);
    }

    /** A far HEC at four pages, then the measurement that keeps the fourth and puts the fifth on trial. */
    private AdaptiveConcurrency fifthPageOnTrial(IntToDoubleFunction receiver) {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        climbTo(arc, 4);
        measurement(arc, receiver, 1);
        assertThat(arc.current()).as("the fourth page kept, the fifth on trial").isEqualTo(5);
        return arc;
    }

    @Test
    void aFifthPageThatBringsFivePercentIsTakenBackAndTheNextTrialWaits() {
        IntToDoubleFunction receiver = fifthPageBrings(0.05);
        AdaptiveConcurrency arc = fifthPageOnTrial(receiver);
        measurement(arc, receiver, 1);
        assertThat(arc.current()).as("+5% is less than half of its share (+12.5%): taken back").isEqualTo(4);
        for (int i = 0; i < FIRST_HOLD; i++) {
            measurement(arc, receiver, 1);
            assertThat(arc.current()).as("no trial for a while after a failed one").isEqualTo(4);
        }
        measurement(arc, receiver, 1);
        assertThat(arc.current()).as("tried again after the hold").isEqualTo(5);
    }

    @Test
    void aFifthPageThatBringsTwentyPercentStays() {
        IntToDoubleFunction receiver = fifthPageBrings(0.20);
        AdaptiveConcurrency arc = fifthPageOnTrial(receiver);
        measurement(arc, receiver, 1);
        assertThat(arc.current()).as("+20% is more than half of its share (+12.5%): kept, the sixth on trial").isEqualTo(6);
    }

    @Test
    void pagesThatDidNotWaitForTheirTurnDoNotMeasure() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        measurement(arc, FAR, 1); // the first far measurement
        for (int i = 0; i < MEASURED_PAGES - 1; i++) {
            page(arc, 30, 1, true);
        }
        for (int i = 0; i < 100; i++) {
            page(arc, 30, 1, false); // the limit was not full: the round trip says nothing of what it allows
        }
        assertThat(arc.current()).as("no measurement yet").isEqualTo(1);
        page(arc, 30, 1, true);
        assertThat(arc.current()).as("the sixth page that waited makes the second measurement: a far HEC tries a second page")
                .isEqualTo(2);
    }

    @Test
    void pagesThatTookTheirTurnBeforeTheLastChangeDoNotMeasureTheNewLimit() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        climbTo(arc, 2); // a second page on trial
        long changedAt = nanos.get();
        for (int i = 0; i < 3 * MEASURED_PAGES; i++) {
            // a page sent at one page, committed late: had it counted, throughput at two would have fallen
            long turnedAt = changedAt - 1;
            arc.pageCommitted(turnedAt, turnedAt + nanosOf(300), turnedAt + nanosOf(301), true);
        }
        assertThat(arc.current()).as("the trial is not decided by pages of the limit before it").isEqualTo(2);
        measurement(arc, FAR, 1);
        assertThat(arc.current()).as("measured at two pages: throughput doubled, the page stays and the third is tried")
                .isEqualTo(3);
    }

    @Test
    void aRisingReceiverRoundTripTakesATenthOffAtLeastOnePage() {
        AdaptiveConcurrency eight = AdaptiveConcurrency.adaptive(8, nanos::get);
        climbToTheCeiling(eight);
        measurement(eight, pages -> 40.0, 1); // 1.33 times the mean: within the noise
        assertThat(eight.current()).isEqualTo(8);
        measurement(eight, pages -> 60.0, 1); // 1.7 times the mean 34 ms
        assertThat(eight.current()).as("a tenth off 8, at least one page").isEqualTo(7);

        AdaptiveConcurrency twenty = AdaptiveConcurrency.adaptive(20, nanos::get);
        climbToTheCeiling(twenty);
        measurement(twenty, pages -> 50.0, 1);
        assertThat(twenty.current()).as("a tenth off 20").isEqualTo(18);

        AdaptiveConcurrency two = AdaptiveConcurrency.adaptive(2, nanos::get);
        climbToTheCeiling(two);
        measurement(two, pages -> 50.0, 1);
        assertThat(two.current()).as("a tenth off 2, at least one page").isEqualTo(1);
    }

    @Test
    void aRisingReceiverRoundTripAtOnePageLeavesOnePage() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        for (int i = 0; i < 20; i++) {
            measurement(arc, pages -> 3.0, 1.5);
            measurement(arc, pages -> 9.0, 1.5); // three times the mean, still near
            assertThat(arc.current()).as("never below one page").isEqualTo(1);
        }
    }

    @Test
    void backPressureTakesATenthOffAtLeastOnePageNeverBelowOne() {
        AdaptiveConcurrency twenty = AdaptiveConcurrency.adaptive(20, nanos::get);
        climbToTheCeiling(twenty);
        twenty.backPressure(); // 503 or 429
        assertThat(twenty.current()).as("a tenth off 20").isEqualTo(18);

        AdaptiveConcurrency eight = AdaptiveConcurrency.adaptive(8, nanos::get);
        climbToTheCeiling(eight);
        eight.backPressure();
        assertThat(eight.current()).as("a tenth off 8, at least one page").isEqualTo(7);
        for (int i = 0; i < 20; i++) {
            eight.backPressure();
        }
        assertThat(eight.current()).as("never below one page").isEqualTo(1);
    }

    @Test
    void pinnedStartsAtTheCeilingBackPressureHalvesItAndAsManyAcceptedInARowAsTheLimitGrowItByOne() {
        AdaptiveConcurrency pinned = AdaptiveConcurrency.pinned(8);
        assertThat(pinned.current()).isEqualTo(8);
        for (int i = 0; i < 10; i++) {
            page(pinned, 30, 1, true); // round trips are no reason with the limit pinned
            page(pinned, 3, 1, true);
        }
        assertThat(pinned.current()).isEqualTo(8);
        pinned.accepted();
        assertThat(pinned.current()).as("never beyond the ceiling").isEqualTo(8);

        pinned.backPressure();
        assertThat(pinned.current()).as("8 halved").isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            pinned.accepted();
        }
        assertThat(pinned.current()).as("three accepted at four: not yet").isEqualTo(4);
        pinned.backPressure();
        assertThat(pinned.current()).as("4 halved").isEqualTo(2);
        pinned.accepted();
        assertThat(pinned.current()).as("the accepted before the back pressure do not count").isEqualTo(2);
        pinned.accepted();
        assertThat(pinned.current()).as("two accepted in a row at two").isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            pinned.accepted();
        }
        assertThat(pinned.current()).as("three accepted in a row at three").isEqualTo(4);

        for (int i = 0; i < 5; i++) {
            pinned.backPressure();
        }
        assertThat(pinned.current()).as("never below one page").isEqualTo(1);
    }

    @Test
    void pagesHandedOverAreTheLimitAndAtMostTheCeilingWithOneMoreWaitingForItsTurn() {
        AdaptiveConcurrency alone = AdaptiveConcurrency.adaptive(8, nanos::get);
        assertThat(alone.handedOver()).isEqualTo(1);
        assertThat(alone.handedOverAtMost()).isEqualTo(8);

        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get).withOnePageWaiting();
        assertThat(arc.handedOver()).as("one page at HEC, one waiting for its turn").isEqualTo(2);
        assertThat(arc.handedOverAtMost()).isEqualTo(9);
        climbTo(arc, 3);
        assertThat(arc.handedOver()).isEqualTo(4);
        assertThat(arc.max()).isEqualTo(8);

        AdaptiveConcurrency pinned = AdaptiveConcurrency.pinned(4).withOnePageWaiting();
        assertThat(pinned.handedOver()).isEqualTo(5);
        assertThat(pinned.handedOverAtMost()).isEqualTo(5);
    }

    @Test
    void theLogLineAtStopGivesTheLimitAndTheLastMeasurementsMeans() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(8, nanos::get);
        measurement(arc, pages -> 3.0, 1.5);
        assertThat(arc).hasToString("adaptive 1 of 8, receiver 3.0 ms and commit 1.5 ms a page");
        assertThat(AdaptiveConcurrency.pinned(4)).hasToString("pinned 4 of 4");
    }

    @Test
    void atDebugEachMeasurementIsLoggedWithWhatItDecided() {
        AdaptiveConcurrency arc = AdaptiveConcurrency.adaptive(3, nanos::get);
        try (LogCapture logs = new LogCapture(Level.DEBUG)) {
            measurement(arc, FAR, 1);
            measurement(arc, FAR, 1);
            measurement(arc, FAR, 1);
            measurement(arc, pages -> 90.0, 1); // the third page brought nothing
            assertThat(logs.lines(Level.DEBUG)).filteredOn(line -> line.startsWith("Output pages")).containsExactly(
                    "Output pages at 1: receiver 30.0 ms, commit 1.0 ms a page, 32 pages/s; limit 1",
                    "Output pages at 1: receiver 30.0 ms, commit 1.0 ms a page, 32 pages/s; trying 2",
                    "Output pages at 2: receiver 30.0 ms, commit 1.0 ms a page, 65 pages/s; the trial page raised it from 32: kept,"
                            + " trying 3",
                    "Output pages at 3: receiver 90.0 ms, commit 1.0 ms a page, 33 pages/s; not enough above 65: the trial page"
                            + " taken back, " + FIRST_HOLD + " measurements before the next");
        }
    }
}
