package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

class PollWindowTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant HOUR = T0.plusSeconds(3600);

    private static EventPage page(long count, boolean hasNext, Instant... createdAt) {
        List<HaloEvent> events = new ArrayList<>();
        for (Instant at : createdAt) {
            events.add(event("id" + at.toEpochMilli() + "x" + events.size(), at));
        }
        return new EventPage(events, count, hasNext);
    }

    private static EventPage burst(Instant at, int n, long count, boolean hasNext) {
        Instant[] times = new Instant[n];
        java.util.Arrays.fill(times, at);
        return page(count, hasNext, times);
    }

    private static Instant s(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void readsPagesUntilTheApiHasNoNextPage() {
        PollWindow window = new PollWindow(T0, HOUR, 3, 10_000, new SortedAnswers());
        assertThat(window.narrowedFor(page(5, true, s(1), s(2), s(3)))).isFalse();
        window.advance(page(5, true, s(1), s(2), s(3)));
        assertThat(window.page()).isEqualTo(2);
        window.advance(page(5, false, s(4), s(5)));
        assertThat(window.hasMorePages()).isFalse();
        assertThat(window.pagesRead()).isEqualTo(2);
    }

    @Test
    void aSliceCountingMoreThanOneQueryCanPageThroughIsNarrowedInTimeBeforeAnyEventIsDelivered() {
        PollWindow window = new PollWindow(T0, HOUR, 10, 20, new SortedAnswers());
        // 100 events in the hour, 20 readable per query: aim at 80% of 20, an hour x 16/100
        assertThat(window.narrowedFor(burst(s(1), 10, 100, true))).isTrue();
        assertThat(window.since()).isEqualTo(T0);
        assertThat(window.until()).isEqualTo(s(576));
        assertThat(window.page()).isEqualTo(1);
        assertThat(window.narrowedFor(burst(s(1), 10, 15, true))).isFalse();
    }

    @Test
    void eachSliceIsReadWholeThenTheNextStartsAtItsEndSizedByItsDensity() {
        PollWindow window = new PollWindow(T0, HOUR, 10, 20, new SortedAnswers());
        window.narrowedFor(burst(s(1), 10, 100, true));
        window.narrowedFor(burst(s(1), 10, 16, true));
        // what the prefetch asks for ahead: the slice advance moves to once this one is read
        PollWindow.Slice predicted = window.sliceAfter(window.slice(), 16);
        window.advance(burst(s(1), 10, 16, true));
        window.advance(burst(s(2), 6, 16, false));
        assertThat(window.slice()).isEqualTo(predicted);
        // 16 events in 576 s: the next slice as long again (16 is 80% of 20)
        assertThat(window.since()).isEqualTo(s(576));
        assertThat(window.until()).isEqualTo(s(1152));
        assertThat(window.page()).isEqualTo(1);
        assertThat(window.hasMorePages()).isTrue();
    }

    @Test
    void theLastSliceEndsAtTheWindowsEnd() {
        PollWindow window = new PollWindow(T0, HOUR, 10, 20, new SortedAnswers());
        assertThat(window.sliceAfter(window.slice(), 2)).as("no slice after the window's end").isNull();
        window.narrowedFor(page(2, false, s(1), s(2)));
        window.advance(page(2, false, s(1), s(2)));
        assertThat(window.hasMorePages()).isFalse();
    }

    @Test
    void stepsOverABurstLargerThanTheCapInsteadOfLoopingForEver() {
        PollWindow window = new PollWindow(T0, HOUR, 10, 20, new SortedAnswers());
        // 30 events share T0: the slice narrows down to one millisecond, then is read as far as the cap
        int probes = 0;
        while (window.narrowedFor(burst(T0, 10, 30, true))) {
            probes++;
        }
        assertThat(probes).isLessThan(100);
        assertThat(window.until()).isEqualTo(T0.plusMillis(1));
        assertThat(window.takeLoss()).contains("share created_at " + T0);
        assertThat(window.takeLoss()).isNull();
        window.advance(burst(T0, 10, 30, true));
        window.advance(burst(T0, 10, 30, true));
        assertThat(window.since()).isEqualTo(T0.plusMillis(1));
        assertThat(window.page()).isEqualTo(1);
    }

    @Test
    void aPageRefusedBelowTheConfiguredCapGoesOnFromTheCursorOfSortedPagesWithTheApisOwnCap() {
        PollWindow window = new PollWindow(T0, HOUR, 10, 10_000, new SortedAnswers());
        window.narrowedFor(burst(s(1), 10, 300, true));
        for (int p = 1; p <= 10; p++) {
            window.advance(burst(s(p), 10, 300, true));
        }
        window.refusedPage(); // 422 at page 11: the API reads 100 per query
        assertThat(window.maxPage()).isEqualTo(10);
        assertThat(window.page()).isEqualTo(1);
        // the cursor is at s(10) and the older ids are gone: not read again
        assertThat(window.since()).isEqualTo(s(10));
        assertThat(window.until()).isEqualTo(s(10).plusMillis(3_590_000L * 80 / 300));
    }

    @Test
    void aPageRefusedBelowTheConfiguredCapReadsTheSliceAgainWhenTheCursorHasNotMoved() {
        SortedAnswers sorted = new SortedAnswers();
        sorted.distrust();
        PollWindow window = new PollWindow(T0, HOUR, 10, 10_000, sorted);
        window.narrowedFor(burst(s(1), 10, 300, true));
        for (int p = 1; p <= 10; p++) {
            assertThat(window.advance(burst(s(p), 10, 300, true))).isNull();
        }
        window.refusedPage();
        assertThat(window.since()).isEqualTo(T0);
        assertThat(window.until()).isEqualTo(s(960)); // an hour x 80/300
    }

    @Test
    void sortedPagesMoveTheCursorToTheNewestEventOfEachPage() {
        PollWindow window = new PollWindow(T0, HOUR, 3, 6, new SortedAnswers());
        window.narrowedFor(page(6, true, s(1), s(2), s(3)));
        assertThat(window.advance(page(6, true, s(1), s(2), s(3)))).isEqualTo(s(3));
        assertThat(window.advance(page(6, false, s(4), s(5), s(6)))).isEqualTo(s(6));
        assertThat(window.takeOutOfOrder()).isNull();
    }

    @Test
    void onceAPageComesOutOfOrderTheCursorMovesOnlyWhenASliceIsReadWhole() {
        SortedAnswers sorted = new SortedAnswers();
        PollWindow window = new PollWindow(T0, HOUR, 3, 6, sorted);
        window.narrowedFor(page(6, true, s(5), s(2), s(6)));
        // older events of the slice may still come: the cursor stays
        assertThat(window.advance(page(6, true, s(5), s(2), s(6)))).isNull();
        assertThat(window.takeOutOfOrder()).contains("out of created_at order").contains(s(2).toString());
        assertThat(window.advance(page(6, false, s(1), s(4), s(3)))).isEqualTo(s(6));
        assertThat(window.takeOutOfOrder()).as("logged once per poll").isNull();

        // the next poll holds the cursor inside a slice from its first page, even if that page looks sorted
        PollWindow next = new PollWindow(s(6), HOUR, 3, 6, sorted);
        next.narrowedFor(page(6, true, s(7), s(8), s(9)));
        assertThat(next.advance(page(6, true, s(7), s(8), s(9)))).isNull();
        assertThat(next.advance(page(6, false, s(12), s(10), s(11)))).isEqualTo(s(12));
    }

    @Test
    void theCursorNeverPassesTheWindowsEndWhateverCreatedAtAnEventClaims() {
        PollWindow window = new PollWindow(T0, HOUR, 3, 6, new SortedAnswers());
        Instant future = Instant.parse("2100-01-01T00:00:00Z");
        window.narrowedFor(page(3, false, s(1), s(2), future));
        assertThat(window.advance(page(3, false, s(1), s(2), future))).isEqualTo(s(2));
        assertThat(window.hasMorePages()).isFalse();
    }

    @Test
    void anApiThatIgnoresUntilIsNotNarrowedForEverAndTheLossIsReported() {
        PollWindow window = new PollWindow(T0, HOUR, 3, 6, new SortedAnswers());
        Instant future = Instant.parse("2100-01-01T00:00:00Z");
        assertThat(window.narrowedFor(page(50, true, s(1), s(2), future))).isFalse();
        assertThat(window.takeLoss()).contains("ignores until");
    }

    @Test
    void anEmptyWindowHasNothingToRead() {
        PollWindow window = new PollWindow(T0, T0, 500, 10_000, new SortedAnswers());
        assertThat(window.hasMorePages()).isFalse();
    }

    @Test
    void aWindowWithAFinalEndMovesTheCursorToThatEndOnlyOnceItIsReadWhole() {
        PollWindow window = new PollWindow(T0, HOUR, true, 3, 10_000, new SortedAnswers());
        window.narrowedFor(page(5, true, s(1), s(2), s(3)));
        assertThat(window.advance(page(5, true, s(1), s(2), s(3)))).as("a page inside the window").isEqualTo(s(3));
        assertThat(window.advance(page(5, false, s(4), s(5)))).as("the window read whole: its end").isEqualTo(HOUR);
        assertThat(window.hasMorePages()).isFalse();
    }

    @Test
    void aWindowWithAFinalEndAndNoEventStillMovesTheCursorToItsEnd() {
        PollWindow window = new PollWindow(T0, HOUR, true, 500, 10_000, new SortedAnswers());
        window.narrowedFor(page(0, false));
        assertThat(window.advance(page(0, false))).isEqualTo(HOUR);
    }

    @Test
    void aLiveWindowLeavesTheCursorAtItsNewestEventForEventsThatLandLate() {
        PollWindow window = new PollWindow(T0, HOUR, 3, 10_000, new SortedAnswers());
        window.narrowedFor(page(2, false, s(1), s(2)));
        assertThat(window.advance(page(2, false, s(1), s(2)))).isEqualTo(s(2));
    }
}
