package io.haloconnector.kafka;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;

/**
 * Prepares what the Kafka output route ({@code routes/output-kafka.yaml}) refers to: the split's
 * aggregation {@code recordsOfPage}, the record headers' expressions {@code eventType} and
 * {@code eventCreatedAt} (the key is the poll's {@code eventId}), the timeouts in milliseconds and the trust store's type as
 * placeholders, and the two secrets (the SASL login
 * and the trust store's password) on the kafka component itself, so they never enter an endpoint
 * URI, a route dump or a log line (the Kafka client prints them as {@code [hidden]}).
 */
public final class KafkaOutput {
    /** The longest a request to a broker waits for its answer before the client retries it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private KafkaOutput() {
    }

    public static void bind(CamelContext context, KafkaSettings settings) {
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty("kafka.brokers", settings.brokers());
        properties.addOverrideProperty("kafka.topic", settings.topic());
        properties.addOverrideProperty("kafka.securityProtocol", settings.securityProtocol());
        properties.addOverrideProperty("kafka.sasl.mechanism", settings.saslMechanism());
        properties.addOverrideProperty("kafka.timeout.millis", Long.toString(settings.timeout().toMillis()));
        // the client refuses a delivery timeout shorter than one request's
        Duration request = settings.timeout().compareTo(REQUEST_TIMEOUT) < 0 ? settings.timeout() : REQUEST_TIMEOUT;
        properties.addOverrideProperty("kafka.requestTimeout.millis", Long.toString(request.toMillis()));
        settings.trustStoreType().ifPresent(type -> properties.addOverrideProperty("kafka.tls.trustStoreType", type));

        context.getRegistry().bind("recordsOfPage", new RecordsOfPage(settings.timeout()));
        context.getRegistry().bind("eventType", EventRecordHeader.TYPE);
        context.getRegistry().bind("eventCreatedAt", EventRecordHeader.CREATED_AT);

        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        settings.saslJaasConfig().ifPresent(kafka.getConfiguration()::setSaslJaasConfig);
        settings.trustStorePassword().ifPresent(kafka.getConfiguration()::setSslTruststorePassword);
    }
}
