package io.haloconnector.kafka;

import io.haloconnector.config.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.haloconnector.config.ConnectorProperty.*;

/**
 * The Kafka output's settings, read and validated from properties with the defaults and ranges of
 * {@link ConnectorProperty} (where each {@code kafka.*} property is described). A bad value fails
 * with one {@link ConfigurationException} line naming the property; the SASL and trust store
 * passwords never appear in any message.
 */
public final class KafkaSettings {
    private static final Pattern BROKER = Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private final String brokers;
    private final String topic;
    private final String securityProtocol;
    private final String saslMechanism;
    private final String saslUsername;
    private final String saslPassword;
    private final Path trustStore;
    private final String trustStorePassword;
    private final Duration timeout;

    private KafkaSettings(PropertyLookup props) {
        this.brokers = brokers(props.require(KAFKA_BROKERS, "set it to the bootstrap brokers, such as broker1:9092,broker2:9092"));
        this.topic = props.getOrDefault(KAFKA_TOPIC).trim();
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new ConfigurationException("kafka.topic=" + topic + " is not valid: expected " + KAFKA_TOPIC.expected());
        }
        this.securityProtocol = upperOneOf(props, KAFKA_SECURITY_PROTOCOL);
        this.saslMechanism = upperOneOf(props, KAFKA_SASL_MECHANISM);
        boolean sasl = securityProtocol.startsWith("SASL_");
        boolean tls = securityProtocol.endsWith("SSL");
        Optional<String> username = props.get(KAFKA_SASL_USERNAME).map(String::trim);
        Optional<String> password = props.get(KAFKA_SASL_PASSWORD);
        if (sasl) {
            this.saslUsername = username.orElseThrow(() -> new ConfigurationException("kafka.sasl.username is not set: "
                    + "kafka.securityProtocol=" + securityProtocol + " needs it (Confluent Cloud: the API key)"));
            this.saslPassword = password.orElseThrow(() -> new ConfigurationException("kafka.sasl.password is not set: "
                    + "kafka.securityProtocol=" + securityProtocol + " needs it; give it as KAFKA_SASL_PASSWORD in the environment"));
        } else {
            if (username.isPresent() || password.isPresent()) {
                throw new ConfigurationException("kafka.sasl.username or kafka.sasl.password is set but kafka.securityProtocol="
                        + securityProtocol + " does not use SASL: set kafka.securityProtocol=SASL_SSL (or SASL_PLAINTEXT)");
            }
            this.saslUsername = null;
            this.saslPassword = null;
        }
        this.trustStorePassword = props.get(KAFKA_TLS_TRUST_STORE_PASSWORD).orElse(null);
        Optional<String> store = props.get(KAFKA_TLS_TRUST_STORE).map(String::trim);
        if (store.isPresent() && !tls) {
            throw new ConfigurationException("kafka.tls.trustStore is set but kafka.securityProtocol=" + securityProtocol
                    + " does not use TLS: set kafka.securityProtocol=SSL or SASL_SSL");
        }
        this.trustStore = store.map(this::checkTrustStore).orElse(null);
        this.timeout = props.getDuration(KAFKA_TIMEOUT);
    }

    /** Reads and validates the {@code kafka.*} properties. */
    public static KafkaSettings from(PropertyLookup props) {
        return new KafkaSettings(props);
    }

    private static String brokers(String raw) {
        List<String> entries = Arrays.stream(raw.split(",")).map(String::trim).toList();
        for (String entry : entries) {
            if (!BROKER.matcher(entry).matches() || Integer.parseInt(entry.substring(entry.lastIndexOf(':') + 1)) > 65535) {
                // a URL with user info may carry a password: only the entry's shape is described then
                String shown = entry.contains("@") ? "(an entry with credentials)" : entry;
                throw new ConfigurationException("kafka.brokers=" + raw.replaceAll("[^,]*@[^,]*", "(credentials)")
                        + " is not valid: " + shown + " is not host:port; expected " + KAFKA_BROKERS.expected());
            }
        }
        return String.join(",", entries);
    }

    private static String upperOneOf(PropertyLookup props, ConnectorProperty property) {
        String value = props.getOrDefault(property).trim().toUpperCase(Locale.ROOT);
        if (!property.allowed(AllowedValues.OneOf.class).values().contains(value)) {
            throw new ConfigurationException(property.property() + "=" + value + " is not valid: expected " + property.expected());
        }
        return value;
    }

    private Path checkTrustStore(String raw) {
        Path path = Path.of(raw);
        if (!Files.isReadable(path)) {
            throw new ConfigurationException("kafka.tls.trustStore=" + raw + " is not valid: no readable file there");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore keyStore = KeyStore.getInstance(trustStoreType(raw));
            keyStore.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
            if (keyStore.size() == 0) {
                throw new ConfigurationException("kafka.tls.trustStore=" + raw + " is not valid: it holds no certificate");
            }
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("kafka.tls.trustStore=" + raw + " could not be read (" + e.getClass().getSimpleName()
                    + "): expected a PKCS12 or JKS file (.jks); check kafka.tls.trustStorePassword");
        }
        return path;
    }

    private static String trustStoreType(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    /** Bootstrap brokers, {@code host:port} separated by commas. */
    public String brokers() {
        return brokers;
    }

    public String topic() {
        return topic;
    }

    /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public String securityProtocol() {
        return securityProtocol;
    }

    public String saslMechanism() {
        return saslMechanism;
    }

    /**
     * The JAAS line the Kafka client logs in with, the password in it (a secret); empty without SASL.
     * Quotes and backslashes are escaped, so any username and password fit.
     */
    public Optional<String> saslJaasConfig() {
        if (saslUsername == null) {
            return Optional.empty();
        }
        String module = saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return Optional.of(module + " required username=" + quoted(saslUsername) + " password=" + quoted(saslPassword) + ";");
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public Optional<String> saslUsername() {
        return Optional.ofNullable(saslUsername);
    }

    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** PKCS12, or JKS for a name ending in .jks; empty without a trust store. */
    public Optional<String> trustStoreType() {
        return trustStore().map(path -> trustStoreType(path.toString()));
    }

    /** The trust store's password (a secret); empty when it has none. */
    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "KafkaSettings[brokers=" + brokers + ", topic=" + topic + ", securityProtocol=" + securityProtocol
                + ", saslMechanism=" + saslMechanism + ", saslUsername=" + saslUsername + ", saslPassword=****"
                + ", trustStore=" + trustStore + ", timeout=" + timeout + "]";
    }
}
