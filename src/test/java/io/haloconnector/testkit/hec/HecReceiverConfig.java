package io.haloconnector.testkit.hec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link HecReceiver} behaves: where it listens, which token it accepts, whether the token
 * has indexer acknowledgement ({@code useACK}) on, TLS, allowed indexes and the request size limit.
 * Built with {@link #builder()}; only the token is required.
 */
public final class HecReceiverConfig {

    /** Splunk Enterprise's default {@code max_content_length}: 800 MiB. */
    public static final long DEFAULT_MAX_CONTENT_LENGTH = 800L * 1024 * 1024;

    private final int port;
    private final String token;
    private final boolean ackEnabled;
    private final Path keyStore;
    private final String keyStorePassword;
    private final Set<String> allowedIndexes;
    private final long maxContentLength;
    private final boolean retainEnvelopes;
    private final Duration answerDelay;

    private HecReceiverConfig(Builder b) {
        this.port = b.port;
        this.token = b.token;
        this.ackEnabled = b.ackEnabled;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.allowedIndexes = Set.copyOf(b.allowedIndexes);
        this.maxContentLength = b.maxContentLength;
        this.retainEnvelopes = b.retainEnvelopes;
        this.answerDelay = b.answerDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    public boolean ackEnabled() {
        return ackEnabled;
    }

    /** The PKCS12/JKS key store holding the server certificate; present means HTTPS. */
    public Optional<Path> keyStore() {
        return Optional.ofNullable(keyStore);
    }

    public String keyStorePassword() {
        return keyStorePassword;
    }

    /** Indexes an envelope may name; empty means any index is accepted. */
    public Set<String> allowedIndexes() {
        return allowedIndexes;
    }

    public long maxContentLength() {
        return maxContentLength;
    }

    /** Whether accepted envelopes are kept for {@link HecReceiver#received()} (off for long benchmark runs). */
    public boolean retainEnvelopes() {
        return retainEnvelopes;
    }

    /** How long each event POST waits before its answer: a Splunk that is far away (zero on loopback). */
    public Duration answerDelay() {
        return answerDelay;
    }

    @Override
    public String toString() {
        // the token stays out of toString like everywhere else
        return "HecReceiverConfig[port=" + port + ", ack=" + ackEnabled + ", tls=" + (keyStore != null)
                + ", allowedIndexes=" + allowedIndexes + ", maxContentLength=" + maxContentLength + ", answerDelay=" + answerDelay + "]";
    }

    /** Builder for {@link HecReceiverConfig}. */
    public static final class Builder {
        private int port;
        private String token;
        private boolean ackEnabled;
        private Path keyStore;
        private String keyStorePassword = "";
        private Set<String> allowedIndexes = Set.of();
        private long maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
        private boolean retainEnvelopes = true;
        private Duration answerDelay = Duration.ZERO;

        private Builder() {
        }

        /** Port on 127.0.0.1; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range");
            }
            this.port = port;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder ackEnabled(boolean ackEnabled) {
            this.ackEnabled = ackEnabled;
            return this;
        }

        public Builder tlsKeyStore(Path keyStore, String password) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = password == null ? "" : password;
            return this;
        }

        public Builder allowedIndexes(Set<String> indexes) {
            this.allowedIndexes = Objects.requireNonNull(indexes, "indexes");
            return this;
        }

        public Builder maxContentLength(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxContentLength must be positive");
            }
            this.maxContentLength = bytes;
            return this;
        }

        public Builder retainEnvelopes(boolean retain) {
            this.retainEnvelopes = retain;
            return this;
        }

        public Builder answerDelay(Duration delay) {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("answerDelay must be zero or more");
            }
            this.answerDelay = delay;
            return this;
        }

        public HecReceiverConfig build() {
            if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a token without whitespace is required");
            }
            return new HecReceiverConfig(this);
        }
    }
}
