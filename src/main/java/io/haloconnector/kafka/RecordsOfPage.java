package io.haloconnector.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.processor.aggregate.GroupedMessageAggregationStrategy;

import java.time.Duration;
import java.util.List;

/**
 * The Kafka output's split aggregation: collects each event's message (body the event, headers
 * the record's key and headers) into one {@link KafkaPageRecords}, the body camel-kafka then sends
 * as one batch.
 */
public final class RecordsOfPage extends GroupedMessageAggregationStrategy {
    private final Duration timeout;

    public RecordsOfPage(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onCompletion(Exchange exchange) {
        super.onCompletion(exchange);
        if (exchange != null && exchange.getMessage().getBody() instanceof List<?> messages) {
            exchange.getMessage().setBody(new KafkaPageRecords((List<Message>) messages, timeout));
        }
    }
}
