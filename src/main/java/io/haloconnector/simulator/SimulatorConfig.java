package io.haloconnector.simulator;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of one {@link HaloSimulator}: where it listens, which key pair it accepts, and how it
 * misbehaves (latency, deep-pagination cap, rate limit, ignored {@code sort_by} or {@code until}). Immutable; build it with {@link #builder()}.
 */
public final class SimulatorConfig {

    private final int port;
    private final String apiKey;
    private final String apiSecret;
    private final Duration tokenTtl;
    private final Duration latency;
    private final int maxResults;
    private final int rateLimitPerSecond;
    private final SSLContext tls;
    private final AnswerOrder answerOrder;
    private final boolean ignoresUntil;

    private SimulatorConfig(Builder builder) {
        this.port = builder.port;
        this.apiKey = builder.apiKey;
        this.apiSecret = builder.apiSecret;
        this.tokenTtl = builder.tokenTtl;
        this.latency = builder.latency;
        this.maxResults = builder.maxResults;
        this.rateLimitPerSecond = builder.rateLimitPerSecond;
        this.tls = builder.tls;
        this.answerOrder = builder.answerOrder;
        this.ignoresUntil = builder.ignoresUntil;
    }

    /** The server's TLS context when it answers over https, as the real Halo API does. */
    public Optional<SSLContext> tls() {
        return Optional.ofNullable(tls);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String apiKey() {
        return apiKey;
    }

    public String apiSecret() {
        return apiSecret;
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    public Duration latency() {
        return latency;
    }

    public int maxResults() {
        return maxResults;
    }

    public int rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    public AnswerOrder answerOrder() {
        return answerOrder;
    }

    public boolean ignoresUntil() {
        return ignoresUntil;
    }

    @Override
    public String toString() {
        // never the secret: configs end up in logs
        return "SimulatorConfig[port=" + port + ", apiKey=" + apiKey + ", tokenTtl=" + tokenTtl + ", latency="
                + latency + ", maxResults=" + maxResults + ", rateLimitPerSecond=" + rateLimitPerSecond + ", tls=" + (tls != null) + ", answerOrder=" + answerOrder
                + ", ignoresUntil=" + ignoresUntil + "]";
    }

    /** Collects the settings; every one has a default fit for tests. */
    public static final class Builder {

        private int port;
        private String apiKey = "demo-key";
        private String apiSecret = "demo-secret";
        private Duration tokenTtl = Duration.ofSeconds(900);
        private Duration latency = Duration.ZERO;
        private int maxResults = 10_000;
        private int rateLimitPerSecond;
        private SSLContext tls;
        private AnswerOrder answerOrder = AnswerOrder.AS_ASKED;
        private boolean ignoresUntil;

        private Builder() {
        }

        /** TCP port on 127.0.0.1; 0 picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        public Builder apiSecret(String apiSecret) {
            this.apiSecret = Objects.requireNonNull(apiSecret, "apiSecret");
            return this;
        }

        /** How long an issued token stays valid; {@code expires_in} reports it in whole seconds. */
        public Builder tokenTtl(Duration tokenTtl) {
            this.tokenTtl = requireNotNegative(tokenTtl, "tokenTtl");
            return this;
        }

        /** Added to every {@code /v1/events} answer. */
        public Builder latency(Duration latency) {
            this.latency = requireNotNegative(latency, "latency");
            return this;
        }

        /** Deep-pagination cap: a request with {@code page * per_page > maxResults} answers 422. */
        public Builder maxResults(int maxResults) {
            if (maxResults < 1) {
                throw new IllegalArgumentException("maxResults must be at least 1, got " + maxResults);
            }
            this.maxResults = maxResults;
            return this;
        }

        /** {@code /v1/events} requests allowed per second before 429; 0 turns the limit off. */
        public Builder rateLimitPerSecond(int rateLimitPerSecond) {
            if (rateLimitPerSecond < 0) {
                throw new IllegalArgumentException("rateLimitPerSecond must be 0 or more, got " + rateLimitPerSecond);
            }
            this.rateLimitPerSecond = rateLimitPerSecond;
            return this;
        }

        /** Answers over https with this context (its key is the server certificate); plain http without. */
        public Builder tls(SSLContext tls) {
            this.tls = tls;
            return this;
        }

        /** The order of the events in the answers; anything but the default ignores {@code sort_by}. */
        public Builder answerOrder(AnswerOrder answerOrder) {
            this.answerOrder = Objects.requireNonNull(answerOrder, "answerOrder");
            return this;
        }

        /** Answers as if {@code until} was not given: events created after it are listed too. */
        public Builder ignoreUntil(boolean ignoresUntil) {
            this.ignoresUntil = ignoresUntil;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(this);
        }

        private static Duration requireNotNegative(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, got " + value);
            }
            return value;
        }
    }
}
