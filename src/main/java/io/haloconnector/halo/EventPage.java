package io.haloconnector.halo;

import java.util.List;

/**
 * One page of {@code GET /v1/events}: its events in API order, the total {@code count} of the
 * query, whether the API announced a next page ({@code pagination.next}), and the events of the
 * page that cannot be delivered ({@link BadEvent}), which are not among {@code events}.
 */
public record EventPage(List<HaloEvent> events, long count, boolean hasNext, List<BadEvent> badEvents) {

    public EventPage(List<HaloEvent> events, long count, boolean hasNext) {
        this(events, count, hasNext, List.of());
    }

    public static EventPage empty() {
        return new EventPage(List.of(), 0, false);
    }
}
