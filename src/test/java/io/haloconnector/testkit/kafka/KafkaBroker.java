package io.haloconnector.testkit.kafka;

import io.haloconnector.Keytool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A one-node KRaft Kafka broker (kafka_2.13 3.9.1, the version of the client camel-kafka uses), run
 * as its own JVM from the test classpath, with its data in a folder of the test: {@code kafka.Kafka}
 * after {@code kafka-storage format}. Two client listeners on 127.0.0.1: PLAINTEXT, and SASL_SSL with
 * SASL/PLAIN (user {@link #SASL_USER}, password {@link #SASL_PASSWORD}) and a self-signed certificate
 * for 127.0.0.1 that {@link #trustStore()} trusts. {@link #stop()} and {@link #start()} keep the data
 * and the ports, so a test can take the broker away and bring it back.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String SASL_USER = "halo-connector";
    /** Quotes, a backslash and a space: the JAAS config the connector writes must escape them. */
    public static final String SASL_PASSWORD = "s3cr\"et \\pw-7f9c2e";
    public static final String TLS_PASSWORD = "changeit";

    private final Path dir;
    private final int plainPort;
    private final int saslSslPort;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.plainPort = freePort();
        this.saslSslPort = freePort();
        this.controllerPort = freePort();
    }

    /** Formats the storage in {@code dir} and starts the broker; returns when it answers. */
    public static KafkaBroker start(Path dir) throws Exception {
        KafkaBroker broker = new KafkaBroker(dir);
        broker.configure();
        broker.start();
        return broker;
    }

    private void configure() throws Exception {
        Files.createDirectories(dir);
        Keytool.selfSignedForLoopback(dir.resolve("broker.p12"), trustStore(), TLS_PASSWORD);
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_SSL://127.0.0.1:" + saslSslPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_SSL://127.0.0.1:" + saslSslPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "user_" + SASL_USER + "=\"" + SASL_PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"") + "\";",
                "listener.name.sasl_ssl.ssl.keystore.location=" + dir.resolve("broker.p12"),
                "listener.name.sasl_ssl.ssl.keystore.password=" + TLS_PASSWORD,
                "listener.name.sasl_ssl.ssl.keystore.type=PKCS12",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true"));
        // a properties file: backslashes are escapes there
        Files.write(dir.resolve("server.properties"), lines.stream().map(line -> line.replace("\\", "\\\\")).toList());
        Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", dir.resolve("server.properties").toString()).redirectOutput(dir.resolve("format.log").toFile())
                .redirectErrorStream(true).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed: " + Files.readString(dir.resolve("format.log")));
        }
    }

    /** Starts the broker on its data and ports (again, after {@link #stop()}); returns when it lists topics. */
    public void start() throws Exception {
        process = java("kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (Admin admin = Admin.create(adminProperties())) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited: " + tail());
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Kafka broker did not answer within 90 s: " + tail());
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
        }
    }

    /** SIGTERM: a controlled shutdown, as an operator's restart; returns once the process is gone. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code 127.0.0.1:port} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + plainPort;
    }

    /** {@code 127.0.0.1:port} of the SASL_SSL listener (SASL/PLAIN). */
    public String saslSslBootstrapServers() {
        return "127.0.0.1:" + saslSslPort;
    }

    /** A PKCS12 trust store holding the broker's certificate (password {@link #TLS_PASSWORD}). */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** Creates a topic of {@code partitions} partitions. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every record of {@code topic}, read from the beginning to the end offsets of now. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // only committed records: what a consumer of the topic sees
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    /** The number of records in {@code topic} (its end offsets; cheap), 0 before it exists. */
    public long count(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics(Duration.ofSeconds(30)).getOrDefault(topic, List.of()).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Whether {@code topic} exists. */
    public boolean hasTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return names.contains(topic);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            // the test is over: no need for a controlled shutdown
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Properties adminProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    private String tail() {
        try {
            Path log = dir.resolve("broker.log");
            if (!Files.exists(log)) {
                return "(no log)";
            }
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
