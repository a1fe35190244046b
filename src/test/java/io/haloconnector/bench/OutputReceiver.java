package io.haloconnector.bench;

import io.haloconnector.testkit.kafka.KafkaBroker;
import io.haloconnector.testkit.syslog.SyslogNg;
import io.haloconnector.testkit.syslog.SyslogTlsFiles;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * The receiver of a benchmark case whose output is not HEC: syslog-ng (TCP, octet counting) or a
 * one-node KRaft Kafka broker, started from the test kit with its files in the case's folder. It
 * gives the connector properties that point at it, the pid of its process (for its CPU) and how many
 * events it holds: lines syslog-ng wrote, records in the topic.
 */
interface OutputReceiver extends AutoCloseable {

    /** The connector properties for this output. */
    Map<String, String> properties();

    /** The receiver's own process: syslog-ng, or the broker's JVM. */
    long pid();

    /** Events the receiver holds now. */
    long count() throws IOException;

    /** The receiver for {@code halo.output} {@code output}, started in {@code dir}. */
    static OutputReceiver start(String output, Path dir) throws Exception {
        return switch (output) {
            case "syslog" -> SyslogReceiver.start(dir);
            case "kafka" -> KafkaReceiver.start(dir);
            default -> throw new IllegalArgumentException("no benchmark receiver for halo.output=" + output);
        };
    }

    /**
     * The pid of the child process of this JVM whose command line names {@code dir} (the test kits keep their
     * Process to themselves). Read from /proc: ProcessHandle's command line is empty for the broker's, whose
     * class path is long.
     */
    static long childIn(Path dir) {
        String name = dir.toAbsolutePath().toString();
        return ProcessHandle.current().children()
                .filter(p -> p.isAlive() && commandLine(p.pid()).contains(name))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no receiver process started in " + name));
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // ended meanwhile
        }
    }

    /** syslog-ng, the connector sending CEF over TCP; counts the lines of its file as they grow. */
    final class SyslogReceiver implements OutputReceiver {
        private final SyslogNg syslog;
        private final long pid;
        private FileChannel file;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        private long lines;

        private SyslogReceiver(SyslogNg syslog, long pid) {
            this.syslog = syslog;
            this.pid = pid;
        }

        static SyslogReceiver start(Path dir) throws Exception {
            SyslogTlsFiles tls = SyslogTlsFiles.create(dir.resolve("tls"), "bench"); // its TLS source needs them, unused here
            SyslogNg syslog = SyslogNg.start(dir, tls);
            return new SyslogReceiver(syslog, childIn(dir));
        }

        @Override
        public Map<String, String> properties() {
            return Map.of("halo.output", "syslog", "syslog.host", "127.0.0.1", "syslog.port", Integer.toString(syslog.tcpPort()),
                    "syslog.protocol", "tcp");
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public long count() throws IOException {
            if (file == null) {
                if (!Files.exists(syslog.messagesFile())) {
                    return 0;
                }
                file = FileChannel.open(syslog.messagesFile(), StandardOpenOption.READ);
            }
            // only what was written since the last call: the file reaches hundreds of MB
            while (file.read(buffer) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    if (buffer.get() == '\n') {
                        lines++;
                    }
                }
                buffer.clear();
            }
            return lines;
        }

        @Override
        public void close() throws Exception {
            if (file != null) {
                file.close();
            }
            syslog.close();
        }
    }

    /** The broker, topic {@link #TOPIC} made beforehand with 3 partitions; counts records by the end offsets. */
    final class KafkaReceiver implements OutputReceiver {
        static final String TOPIC = "halo-events";
        private final KafkaBroker broker;
        private final long pid;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;

        private KafkaReceiver(KafkaBroker broker, long pid) {
            this.broker = broker;
            this.pid = pid;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        }

        static KafkaReceiver start(Path dir) throws Exception {
            KafkaBroker broker = KafkaBroker.start(dir);
            try {
                broker.createTopic(TOPIC, 3);
                return new KafkaReceiver(broker, childIn(dir));
            } catch (Exception e) {
                broker.close();
                throw e;
            }
        }

        @Override
        public Map<String, String> properties() {
            return Map.of("halo.output", "kafka", "kafka.brokers", broker.bootstrapServers(), "kafka.topic", TOPIC);
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public long count() {
            // the high watermarks: records every replica (the one) holds, what acks=all waited for
            return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() throws Exception {
            consumer.close(Duration.ofSeconds(5));
            broker.close();
        }
    }
}
