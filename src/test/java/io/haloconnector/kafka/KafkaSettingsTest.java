package io.haloconnector.kafka;

import io.haloconnector.config.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kafka.* properties: defaults, the JAAS line, and one clear line naming the property for each bad value. */
class KafkaSettingsTest {
    private static final String PASSWORD = "pa\"ss\\word-91";

    @TempDir
    Path dir;

    private static KafkaSettings settings(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("kafka.brokers", "broker1:9092, broker2:9092");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return KafkaSettings.from(name -> Optional.ofNullable(props.get(name)).filter(v -> !v.isBlank()));
    }

    private static void assertRefused(String message, String... pairs) {
        assertThatThrownBy(() -> settings(pairs)).isInstanceOf(ConfigurationException.class).hasMessage(message)
                .message().doesNotContain(PASSWORD).doesNotContain("\n");
    }

    @Test
    void defaults() {
        KafkaSettings s = settings();
        assertThat(s.brokers()).isEqualTo("broker1:9092,broker2:9092");
        assertThat(s.topic()).isEqualTo("halo-events");
        assertThat(s.securityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(s.saslJaasConfig()).isEmpty();
        assertThat(s.trustStore()).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void saslSslAsConfluentCloudWantsItWritesAnEscapedJaasLineAndNeverShowsThePassword() {
        KafkaSettings s = settings("kafka.brokers", "pkc-abc12.eu-west-1.aws.confluent.cloud:9092",
                "kafka.securityProtocol", "sasl_ssl", "kafka.sasl.username", "ABCDEFGH12345678", "kafka.sasl.password", PASSWORD);
        assertThat(s.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(s.saslMechanism()).isEqualTo("PLAIN");
        assertThat(s.saslJaasConfig()).contains("org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"ABCDEFGH12345678\" password=\"pa\\\"ss\\\\word-91\";");
        assertThat(s.toString()).doesNotContain(PASSWORD).contains("saslPassword=****");
        assertThat(settings("kafka.securityProtocol", "SASL_SSL", "kafka.sasl.mechanism", "scram-sha-512",
                "kafka.sasl.username", "u", "kafka.sasl.password", "p").saslJaasConfig())
                .contains("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
    }

    @Test
    void aBadValueIsOneLineNamingThePropertyAndWhatIsExpected() {
        assertRefused("kafka.brokers is not set: set it to the bootstrap brokers, such as broker1:9092,broker2:9092",
                "kafka.brokers", " ");
        assertRefused("kafka.brokers=broker1 is not valid: broker1 is not host:port; expected host:port pairs separated by"
                + " commas, such as broker1:9092,broker2:9092", "kafka.brokers", "broker1");
        assertRefused("kafka.brokers=(credentials) is not valid: (an entry with credentials) is not host:port; expected"
                + " host:port pairs separated by commas, such as broker1:9092,broker2:9092", "kafka.brokers", "user:" + PASSWORD + "@b:9092");
        assertRefused("kafka.topic=halo events is not valid: expected a Kafka topic name (letters, digits, '.', '_' and '-',"
                + " at most 249)", "kafka.topic", "halo events");
        assertRefused("kafka.securityProtocol=TLS is not valid: expected one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                "kafka.securityProtocol", "tls");
        assertRefused("kafka.sasl.mechanism=GSSAPI is not valid: expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
                "kafka.sasl.mechanism", "GSSAPI");
        assertRefused("kafka.sasl.password is not set: kafka.securityProtocol=SASL_SSL needs it; give it as KAFKA_SASL_PASSWORD"
                + " in the environment", "kafka.securityProtocol", "SASL_SSL", "kafka.sasl.username", "u");
        assertRefused("kafka.sasl.username or kafka.sasl.password is set but kafka.securityProtocol=PLAINTEXT does not use SASL:"
                + " set kafka.securityProtocol=SASL_SSL (or SASL_PLAINTEXT)", "kafka.sasl.password", PASSWORD);
        assertRefused("kafka.timeout=0s is not valid: expected a duration such as 500ms, 10s, 5m or 2h, from 1s to 1h",
                "kafka.timeout", "0s");
    }

    @Test
    void aTrustStoreMustBeReadableAndGoWithTls() throws Exception {
        assertRefused("kafka.tls.trustStore is set but kafka.securityProtocol=PLAINTEXT does not use TLS: set"
                + " kafka.securityProtocol=SSL or SASL_SSL", "kafka.tls.trustStore", "/etc/kafka/trust.p12");
        Path missing = dir.resolve("missing.p12");
        assertRefused("kafka.tls.trustStore=" + missing + " is not valid: no readable file there",
                "kafka.securityProtocol", "SSL", "kafka.tls.trustStore", missing.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        assertRefused("kafka.tls.trustStore=" + garbage + " could not be read (EOFException): expected a PKCS12 or JKS file (.jks);"
                + " check kafka.tls.trustStorePassword", "kafka.securityProtocol", "SSL", "kafka.tls.trustStore", garbage.toString(),
                "kafka.tls.trustStorePassword", PASSWORD);
    }
}
