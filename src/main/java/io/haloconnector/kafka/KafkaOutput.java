package io.haloconnector.kafka;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;

import java.time.Duration;

/**
 * Prepares what the Kafka output route ({@code routes/output-kafka.yaml}) refers to: the split's
 * aggregation {@code recordsOfPage}, the record headers' expressions {@code eventType} and
 * {@code eventCreatedAt} (the key is the poll's {@code eventId}), and the kafka component's client
 * settings from the validated {@code kafka.*} properties: brokers, TLS, SASL, timeouts. The two
 * secrets (the SASL login and the trust store's password) are on the component too, so they never
 * enter an endpoint URI, a route dump or a log line (the Kafka client prints them as {@code [hidden]}).
 */
public final class KafkaOutput {
    /** The longest a request to a broker waits for its answer before the client retries it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private KafkaOutput() {
    }

    public static void bind(CamelContext context, KafkaSettings settings) {
        // the validated settings go on the kafka component, under the route's endpoint: nothing is
        // written back into the properties the user set
        KafkaConfiguration client = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        client.setBrokers(settings.brokers());
        client.setSecurityProtocol(settings.securityProtocol());
        client.setSaslMechanism(settings.saslMechanism());
        // kafka.timeout: a send blocks at most this long for metadata (no broker answers), and a record
        // is failed this long after its send; the page then fails and the poll stops (backpressure)
        int timeout = (int) settings.timeout().toMillis();
        client.setMaxBlockMs(timeout);
        client.setDeliveryTimeoutMs(timeout);
        // the client refuses a delivery timeout shorter than one request's
        client.setRequestTimeoutMs((int) Math.min(settings.timeout().toMillis(), REQUEST_TIMEOUT.toMillis()));
        settings.trustStore().ifPresent(store -> client.setSslTruststoreLocation(store.toString()));
        settings.trustStoreType().ifPresent(client::setSslTruststoreType);
        settings.saslJaasConfig().ifPresent(client::setSaslJaasConfig);
        settings.trustStorePassword().ifPresent(client::setSslTruststorePassword);

        context.getRegistry().bind("recordsOfPage", new RecordsOfPage(settings.timeout()));
        context.getRegistry().bind("eventType", EventRecordHeader.TYPE);
        context.getRegistry().bind("eventCreatedAt", EventRecordHeader.CREATED_AT);
    }
}
