package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.kafka.KafkaPageRecords;
import io.haloconnector.readme.Readme;
import io.haloconnector.testkit.kafka.KafkaBroker;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
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
import static org.awaitility.Awaitility.await;

/**
 * The shipped routes with halo.output=kafka, as camel-main runs them, against a real KRaft broker
 * (one for the class, a topic per test), read back with a plain KafkaConsumer. The settings are
 * README's (Kafka, and Confluent Cloud on the SASL_SSL listener); one test runs README's own route on
 * the halo-events-source Kamelet instead of the shipped output.
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

    /** README's own route on the Kamelet, in place of the shipped output routes, for the test that runs it. */
    @Override
    protected String routesIncludePattern() {
        if (testName.startsWith("readmesKameletRoute")) {
            Path route = Readme.recipe("kamelet-route-yaml").rewrite(Map.of("/var/lib/halo/state", work.resolve("state").toString()))
                    .writeTo(work.resolve("my-routes").resolve("halo-to-my-system.yaml"));
            return "file:" + route;
        }
        return super.routesIncludePattern();
    }

    /** The Kamelet's test runs README's route alone, as a host does: no configuration class of the connector. */
    @Override
    protected void configure(MainConfigurationProperties configuration) {
        if (testName.startsWith("readmesKameletRoute")) {
            configuration.withRoutesIncludePattern(routesIncludePattern());
        } else {
            super.configure(configuration);
        }
    }

    @Override
    protected void overrides(Properties properties) {
        topic = "halo-" + testName;
        properties.put("halo.perPage", "500");
        if (testName.startsWith("readmesKameletRoute")) {
            // the route's kafka: endpoint names only the topic: the brokers are the kafka component's
            properties.put("camel.component.kafka.brokers", broker.bootstrapServers());
        } else if (testName.startsWith("saslSsl")) {
            // README's Confluent Cloud settings, pointed at the test broker's SASL_SSL listener
            properties.putAll(Readme.recipe("kafka-confluent-properties").rewrite(Map.of(
                    "pkc-xxxxx.eu-west-1.aws.confluent.cloud:9092", broker.saslSslBootstrapServers(),
                    "kafka.topic = halo-events", "kafka.topic = " + topic,
                    "<API key>", KafkaBroker.SASL_USER)).properties());
            // README gives the API secret as KAFKA_SASL_PASSWORD; this JVM's environment is fixed
            properties.put("kafka.sasl.password", testName.contains("Wrong") ? "not-" + KafkaBroker.SASL_PASSWORD : KafkaBroker.SASL_PASSWORD);
            // Confluent's certificate is signed by a CA the JDK trusts; the test broker's by a test CA
            properties.put("kafka.tls.trustStore", broker.trustStore().toString());
            properties.put("kafka.tls.trustStorePassword", KafkaBroker.TLS_PASSWORD);
            properties.put("kafka.timeout", "5s");
        } else {
            properties.putAll(Readme.recipe("kafka-properties").rewrite(Map.of(
                    "broker1:9092,broker2:9092", broker.bootstrapServers(),
                    "kafka.topic = halo-events", "kafka.topic = " + topic)).properties());
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

    @Test
    void readmesKameletRouteSendsEveryEventOnceToTheTopicItNames() throws Exception {
        // the README's route sends to kafka:halo-events, one broker for the class: this is the only test on that topic
        broker.createTopic("halo-events", 1);
        simulator.events().generate(64, start, start.plus(Duration.ofHours(1)), 700);
        context.start();
        // the checkpoint moves past a page once the user's route returned, so its records are in the topic
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> newestCreatedAt().equals(checkpointCursor()));

        Map<String, JsonNode> expected = simulator.events().all().stream()
                .collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
        List<ConsumerRecord<String, byte[]>> records = broker.records("halo-events");
        assertThat(records).as("one record per event").hasSize(expected.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode event = HaloJson.MAPPER.readTree(record.value());
            assertThat(event).as("each record is a Halo event unchanged")
                    .isEqualTo(HaloJson.MAPPER.readTree(HaloJson.MAPPER.writeValueAsBytes(expected.get(event.get("id").asText()))));
        }
        assertThat(records.stream().map(r -> readId(r.value())).collect(Collectors.toSet())).isEqualTo(expected.keySet());
    }

    private static String readId(byte[] value) {
        try {
            return HaloJson.MAPPER.readTree(value).get("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
