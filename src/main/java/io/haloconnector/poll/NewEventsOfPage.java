package io.haloconnector.poll;

import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventBatch;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The split's aggregation: collects the events that passed the idempotent consumer into one
 * {@link EventBatch}, so the output route gets a page's new events as one exchange (one HEC
 * batch, one fsync per page). Duplicates are left out; a failure is passed on.
 */
public final class NewEventsOfPage implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange;
        if (result == null) {
            result = newExchange.copy();
            result.getMessage().setBody(new EventBatch());
            result.removeProperty(Exchange.DUPLICATE_MESSAGE);
        }
        if (newExchange.getException() != null) {
            result.setException(newExchange.getException());
        } else if (!newExchange.getProperty(Exchange.DUPLICATE_MESSAGE, false, Boolean.class)) {
            result.getMessage().getBody(EventBatch.class).add(newExchange.getMessage().getBody(HaloEvent.class));
        }
        return result;
    }
}
