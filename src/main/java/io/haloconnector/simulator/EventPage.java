package io.haloconnector.simulator;

import java.util.List;

/** One page of a query: the total number of matching events and the events of this page, in order. */
record EventPage(int count, List<StoredEvent> events) {
}
