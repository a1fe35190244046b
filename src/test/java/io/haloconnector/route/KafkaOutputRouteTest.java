package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.kafka.KafkaPageRecords;
import io.haloconnector.testkit.kafka.KafkaBroker;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped routes with halo.output=kafka, as camel-main runs them, against a real KRaft broker
 * (one for the class, a topic per test), read back with a plain KafkaConsumer.
 */
class KafkaOutputRouteTest extends ConnectorMainTestSupport {
    private static final long WAIT_SECONDS = 60;

    @TempDir
    static Path brokerDir;
    private static KafkaBroker broker;

    private String testName;
    private String topic;

    // the test's name, known before the context is created (CamelTestSupport's setUp runs before any @BeforeEach of ours)
    @RegisterExtension
    final BeforeEachCallback name = extension -> testName = extension.getRequiredTestMethod().getName();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected void overrides(Properties properties) {
        topic = "halo-" + testName;
        properties.put("halo.output", "kafka");
        properties.put("halo.perPage", "500");
        properties.put("kafka.brokers", broker.bootstrapServers());
        properties.put("kafka.topic", topic);
        if (testName.startsWith("saslSsl")) {
            properties.put("kafka.brokers", broker.saslSslBootstrapServers());
            properties.put("kafka.securityProtocol", "SASL_SSL");
            properties.put("kafka.sasl.username", KafkaBroker.SASL_USER);
            properties.put("kafka.sasl.password", testName.contains("Wrong") ? "not-" + KafkaBroker.SASL_PASSWORD : KafkaBroker.SASL_PASSWORD);
            properties.put("kafka.tls.trustStore", broker.trustStore().toString());
            properties.put("kafka.tls.trustStorePassword", KafkaBroker.TLS_PASSWORD);
            properties.put("kafka.timeout", "5s");
        }
    }

    @Test
    void everyEventReachesTheTopicOnceKeyedByIdWithItsTypeAndCreatedAt() throws Exception {
        broker.createTopic(topic, 3);
        simulator.events().generate(61, start, start.plus(Duration.ofHours(3)), 2_000);
        // at the end of the output route (where the checkpoint is about to move) the page is in the topic
        List<int[]> sentAndInTopic = new CopyOnWriteArrayList<>();
        int[] sent = {0};
        AdviceWith.adviceWith(context, "halo-output-kafka", route -> route.weaveAddLast().process(exchange -> {
            sent[0] += exchange.getMessage().getBody(KafkaPageRecords.class).size();
            sentAndInTopic.add(new int[] {sent[0], broker.records(topic).size()});
        }));
        NotifyBuilder firstPoll = polls(1);
        long began = System.nanoTime();
        context.start();

        assertThat(firstPoll.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first poll ends").isTrue();
        assertThat(sentAndInTopic).as("pages of 500").hasSize(4);
        for (int[] page : sentAndInTopic) {
            assertThat(page[1]).as("records in the topic when the route returns").isEqualTo(page[0]);
        }
        assertThat(checkpointCursor()).isEqualTo(newestCreatedAt());
        System.out.printf("[kafka] 2000 events, 4 pages, delivered and committed in %d ms (with a topic read per page)%n",
                (System.nanoTime() - began) / 1_000_000);

        List<ConsumerRecord<String, byte[]>> records = broker.records(topic);
        Map<String, JsonNode> expected = simulator.events().all().stream()
                .collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
        assertThat(records.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).as("keys")
                .isEqualTo(expected.keySet());
        assertThat(records).as("one record per event").hasSize(expected.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode event = expected.get(record.key());
            assertThat(HaloJson.MAPPER.readTree(record.value())).as("value of %s", record.key())
                    .isEqualTo(HaloJson.MAPPER.readTree(HaloJson.MAPPER.writeValueAsBytes(event)));
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).as("one line, as Halo sent it").doesNotContain("\n");
            assertThat(headers(record)).as("headers of %s", record.key()).isEqualTo(Map.of(
                    "halo_event_type", event.get("type").asText(),
                    "halo_created_at", Instant.parse(event.get("created_at").asText()).toString()));
        }
    }

    @Test
    void saslSslWithATrustStoreDeliversAndNeverLogsTheSecrets() throws Exception {
        simulator.events().generate(62, start, start.plus(Duration.ofHours(1)), 300);
        Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level kafkaLevel = kafkaLogger.getLevel();
        NotifyBuilder firstPoll = polls(1);
        try (LogCapture logs = new LogCapture()) {
            // the Kafka client at DEBUG too: its configuration dump, the SASL handshake
            kafkaLogger.setLevel(Level.DEBUG);
            context.start();
            assertThat(firstPoll.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first poll ends").isTrue();
            assertThat(checkpointCursor()).isEqualTo(newestCreatedAt());
            assertThat(logs.text()).as("the logs").contains("sasl.jaas.config = [hidden]")
                    .doesNotContain(KafkaBroker.SASL_PASSWORD).doesNotContain("s3cr")
                    .doesNotContain(KafkaBroker.TLS_PASSWORD);
        } finally {
            kafkaLogger.setLevel(kafkaLevel);
        }
        assertThat(broker.records(topic).stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(300);
        assertThat(broker.records(topic)).hasSize(300);
    }

    @Test
    void saslSslWithAWrongPasswordFailsThePollWithinTheTimeoutAndCommitsNothing() throws Exception {
        simulator.events().generate(63, start, start.plus(Duration.ofHours(1)), 50);
        try (LogCapture logs = new LogCapture()) {
            NotifyBuilder firstPoll = polls(1);
            long began = System.nanoTime();
            context.start();
            assertThat(firstPoll.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first poll ends").isTrue();
            long tookMillis = (System.nanoTime() - began) / 1_000_000;
            System.out.printf("[kafka] wrong SASL password: the poll failed after %d ms (kafka.timeout=5s)%n", tookMillis);
            assertThat(tookMillis).as("the poll fails within kafka.timeout (and start-up)").isLessThan(20_000);
            List<String> errors = logs.lines(Level.ERROR);
            assertThat(errors).as("the poll's failure line").anyMatch(line -> line.startsWith("Poll stopped"));
            assertThat(errors).as("the client's reason").anyMatch(line -> line.contains("Authentication failed: Invalid username or password"));
            assertThat(logs.text()).doesNotContain("s3cr");
        }
        assertThat(checkpointCursor()).as("nothing committed").isNull();
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
