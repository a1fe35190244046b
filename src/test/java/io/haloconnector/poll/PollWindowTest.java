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

    private static EventPage page(Instant createdAt, int n, boolean hasNext) {
        List<HaloEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(event("id" + createdAt.toEpochMilli() + "x" + i, createdAt));
        }
        return new EventPage(events, 1000, hasNext);
    }

    @Test
    void readsPagesUntilTheApiHasNoNextPage() {
        PollWindow window = new PollWindow(T0, T0.plusSeconds(3600), 10, 10_000);
        window.advance(page(T0.plusSeconds(1), 10, true));
        assertThat(window.page()).isEqualTo(2);
        window.advance(page(T0.plusSeconds(2), 3, false));
        assertThat(window.hasMorePages()).isFalse();
        assertThat(window.pagesRead()).isEqualTo(2);
    }

    @Test
    void movesSinceToTheNewestEventBeforePassingTheDeepPaginationCap() {
        PollWindow window = new PollWindow(T0, T0.plusSeconds(3600), 10, 20);
        window.advance(page(T0.plusSeconds(1), 10, true));
        window.advance(page(T0.plusSeconds(5), 10, true));
        // page 3 would be results 21..30: past the cap of 20, so restart inclusive at the newest event
        assertThat(window.page()).isEqualTo(1);
        assertThat(window.since()).isEqualTo(T0.plusSeconds(5));
        assertThat(window.hasMorePages()).isTrue();
    }

    @Test
    void stepsOverABurstLargerThanTheCapInsteadOfLoopingForEver() {
        PollWindow window = new PollWindow(T0, T0.plusSeconds(3600), 10, 20);
        window.advance(page(T0, 10, true));
        window.advance(page(T0, 10, true));
        assertThat(window.since()).isEqualTo(T0.plusMillis(1));
        assertThat(window.takeUnreadableBurst()).isEqualTo(T0);
        assertThat(window.takeUnreadableBurst()).isNull();
    }

    @Test
    void anEmptyWindowHasNothingToRead() {
        PollWindow window = new PollWindow(T0, T0, 500, 10_000);
        assertThat(window.hasMorePages()).isFalse();
    }
}
