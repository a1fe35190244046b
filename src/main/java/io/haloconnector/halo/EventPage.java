package io.haloconnector.halo;

import java.util.List;

/**
 * One page of {@code GET /v1/events}: its events in API order, the total {@code count} of the
 * query, and whether the API announced a next page ({@code pagination.next}).
 */
public record EventPage(List<HaloEvent> events, long count, boolean hasNext) {

    public static EventPage empty() {
        return new EventPage(List.of(), 0, false);
    }
}
