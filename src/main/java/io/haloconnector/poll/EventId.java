package io.haloconnector.poll;

import io.haloconnector.halo.HaloEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;

/**
 * The idempotent consumer's key: the id of the event in the message body. A plain Expression,
 * because it runs once per event and the Simple language's {@code ${body.id}} resolves the
 * getter by reflection and copies the exchange twice on every call (seen in the connector's CPU profile).
 */
public final class EventId implements Expression {

    @Override
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        HaloEvent event = exchange.getMessage().getBody(HaloEvent.class);
        return exchange.getContext().getTypeConverter().convertTo(type, event == null ? null : event.id());
    }
}
