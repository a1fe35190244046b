package io.haloconnector.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import static io.haloconnector.config.AllowedValues.described;
import static io.haloconnector.config.AllowedValues.durations;
import static io.haloconnector.config.AllowedValues.oneOf;
import static io.haloconnector.config.AllowedValues.trueOrFalse;
import static io.haloconnector.config.AllowedValues.wholeNumbers;

/**
 * Every {@code halo.*}, {@code hec.*}, {@code kafka.*} and {@code syslog.*} property the connector reads, declared once: its
 * default, the values it accepts, one line saying what it does, and whether it is a secret.
 * {@link ConnectorSettings} and each output's settings (hec, kafka, syslog) take defaults and ranges from here;
 * application.properties and README's properties table are checked against it by a test.
 */
public enum ConnectorProperty {
    HALO_API_URL("halo.api.url", "https://api.cloudpassage.com",
            described("an http(s) URL without query or credentials, such as https://api.cloudpassage.com"),
            "Halo API base URL of the account `default` (Several Halo accounts)"),
    HALO_API_KEY("halo.api.key", unset("required for `default`"), null,
            "API key id of the account `default`: use a read-only (auditor) key"),
    HALO_API_SECRET("halo.api.secret", unset("required for `default`"), null,
            "API key secret of the account `default`", Secrecy.SECRET),
    HALO_API_ALLOW_PLAIN_HTTP("halo.api.allowPlainHttp", "false", trueOrFalse(),
            "allow an http:// `halo.api.url` to a host other than loopback (the key and secret then cross the network in clear)"),
    HALO_API_TIMEOUT("halo.api.timeout", "60s", durations("100ms", "10m"),
            "time limit of one API request (token or events), from connect to the last byte of the answer"),
    HALO_API_MAX_RESULTS("halo.api.maxResults", "10000", wholeNumbers(1, 1_000_000),
            "deep-pagination cap of one query; a window holding more events is read in narrower time slices"),
    HALO_START("halo.start", unset("90 days ago"),
            described("an ISO-8601 date (2026-09-01) or date-time (2026-09-01T10:00:00Z)"),
            "first-run start of the account `default`; a checkpoint wins over it"),
    HALO_POLL_CRON("halo.poll.cron", "0 * * * * ?",
            described("a Quartz cron expression such as '0 * * * * ?' (every minute)"),
            "Quartz cron of polls (a poll runs until it has caught up; polls never overlap)"),
    HALO_PER_PAGE("halo.perPage", "500", wholeNumbers(1, 500),
            "events per page"),
    HALO_FETCH_CONCURRENCY("halo.fetch.concurrency", "16", wholeNumbers(1, 32),
            "pages requested at once (a 429 halves it and paces request starts; successes grow both back)"),
    HALO_POLL_LAG("halo.poll.lag", "10s", durations("0s", "1h"),
            "a poll reads up to now minus this lag"),
    HALO_POLL_OVERLAP("halo.poll.overlap", "2m", durations("0s", "1d"),
            "each poll re-reads from the cursor minus this overlap (repeats are dropped)"),
    HALO_RETRY_MAX_ATTEMPTS("halo.retry.maxAttempts", "8", wholeNumbers(1, 1000),
            "attempts per page and poll on 5xx, 429, resets, truncated JSON"),
    HALO_RETRY_MAX_DELAY("halo.retry.maxDelay", "60s", durations("10ms", "1h"),
            "cap of the exponential backoff (and of a server's Retry-After), also of the polls' wait after the output failed a page"),
    HALO_PROGRESS_INTERVAL("halo.progress.interval", "5s", durations("100ms", "1h"),
            "progress line interval while catching up"),
    HALO_EVENT_MAX_BYTES("halo.event.maxBytes", "1000000", wholeNumbers(1_000, 10_000_000),
            "an event larger than this is not delivered: it goes to the dead-letter file, cut at this size, and is never held whole in memory"),
    HALO_DEAD_LETTER("halo.deadLetter", "set-aside", oneOf("set-aside", "stop"),
            "an event that cannot be delivered (no id, bad `created_at`, too large, too deep): `set-aside` writes it to"
                    + " `halo-dead-letter.jsonl` in the state folder and delivers the rest of its page; `stop` also writes it,"
                    + " then ends every poll at it"),
    HALO_STATE_DIR("halo.state.dir", "./state", described("a folder"),
            "checkpoint and dedup state (one running connector per folder)"),
    HALO_STATE_STORE("halo.state.store", "file", oneOf("file", "jdbc"),
            "where the checkpoint lives: `file` (`checkpoint.json` in `halo.state.dir`) or `jdbc` (PostgreSQL, see State in PostgreSQL)"),
    HALO_STATE_KEY("halo.state.key", "default", described("1 to 100 letters, digits, '.', '_' or '-'"),
            "the key of the account `default`'s checkpoint (its row in PostgreSQL with `halo.state.store=jdbc`); each account has its own"),
    HALO_STATE_JDBC_URL("halo.state.jdbc.url", unset("required with store jdbc"),
            described("a PostgreSQL JDBC URL without credentials, such as jdbc:postgresql://db:5432/halo"),
            "the PostgreSQL database of the checkpoint; its tables are created at the first start"),
    HALO_STATE_JDBC_USERNAME("halo.state.jdbc.username", unset("required with store jdbc"), null,
            "PostgreSQL user (needs CREATE on the database's schema at the first start)"),
    HALO_STATE_JDBC_PASSWORD("halo.state.jdbc.password", unset("required with store jdbc"), null,
            "PostgreSQL password", Secrecy.SECRET),
    HALO_OUTPUT("halo.output", "stdout", oneOf("stdout", "file", "hec", "kafka", "syslog"),
            "where the events go"),
    HALO_FILE_DIR("halo.file.dir", "./events", described("a folder"),
            "folder of the file output"),
    HALO_FILE_MAX_MEGABYTES("halo.file.maxMegabytes", "100", wholeNumbers(1, 1_000_000),
            "a file rolls when it passes this size (and at each UTC day)"),

    HEC_URL("hec.url", unset("required with output hec"), described("an http(s) URL such as https://splunk:8088"),
            "HEC base URL (a trailing `/services/collector...` is dropped)"),
    HEC_TOKEN("hec.token", unset("required with output hec"), described("text without whitespace or control characters"),
            "HEC token, sent only in the Authorization header", Secrecy.SECRET),
    HEC_INDEX("hec.index", unset("the token's default index"),
            described("a Splunk index name (lower-case letters, digits, _ and -, starting with a letter or digit)"),
            "index to write to"),
    HEC_SOURCETYPE("hec.sourcetype", "cp_halo", null,
            "sourcetype of the envelopes"),
    HEC_SOURCE("hec.source", "halo:events", null,
            "source of the envelopes"),
    HEC_HOST("hec.host", unset("the host of `halo.api.url`"), null,
            "host field of the envelopes"),
    HEC_BATCH_EVENTS("hec.batch.events", "500", wholeNumbers(1, 100_000),
            "max events per POST"),
    HEC_BATCH_BYTES("hec.batch.bytes", "1000000", wholeNumbers(1_000, 800 * 1024 * 1024),
            "max uncompressed bytes per POST (the default fits Splunk Cloud's ~1 MB)"),
    HEC_GZIP("hec.gzip", "false", trueOrFalse(),
            "gzip request bodies: about 6x fewer bytes for about 8 µs of CPU per event, worth it on a slow link"),
    HEC_ACK("hec.ack", "false", trueOrFalse(),
            "indexer acknowledgement (the token must have useACK): delivered means acked"),
    HEC_ACK_TIMEOUT("hec.ack.timeout", "5m", durations("100ms", "1d"),
            "resend a batch not acked after this long"),
    HEC_ACK_POLL_INTERVAL("hec.ack.pollInterval", "10s", durations("10ms", "10m"),
            "how often `/services/collector/ack` is polled"),
    HEC_MAX_IN_FLIGHT("hec.maxInFlight", "8", wholeNumbers(1, 64),
            "the most pages at HEC at once (sent, not yet committed); a crash repeats at most those pages"),
    HEC_ADAPTIVE_CONCURRENCY("hec.adaptiveConcurrency", "true", trueOrFalse(),
            "start at one page at HEC and add pages, up to `hec.maxInFlight`, only while a page more raises throughput"
                    + " (measured from the pages' round trips); a rising round trip, 503 or 429 takes pages off. A HEC on the"
                    + " same host or network keeps one page. `false`: `hec.maxInFlight` pages (halved for a while by a 503 or 429)"),
    HEC_TLS_TRUST_STORE("hec.tls.trustStore", unset("the JDK's"),
            described("a PKCS12 file, or JKS when the name ends in .jks"),
            "trust store for a self-signed HEC certificate"),
    HEC_TLS_TRUST_STORE_PASSWORD("hec.tls.trustStorePassword", unset("none"), null,
            "the trust store's password", Secrecy.SECRET),
    HEC_TLS_INSECURE("hec.tls.insecure", "false", trueOrFalse(),
            "skip certificate and hostname verification (logs a WARN at start)"),
    HEC_RETRY_MAX_DELAY("hec.retry.maxDelay", "60s", durations("10ms", "1h"),
            "cap of the retry backoff; also the pace of retries after a configuration error"),
    HEC_TIMEOUT("hec.timeout", "30s", durations("100ms", "10m"),
            "time limit of one request, from connect to the last byte of the answer"),

    KAFKA_BROKERS("kafka.brokers", unset("required with output kafka"),
            described("host:port pairs separated by commas, such as broker1:9092,broker2:9092"),
            "bootstrap brokers"),
    KAFKA_TOPIC("kafka.topic", "halo-events",
            described("a Kafka topic name (letters, digits, '.', '_' and '-', at most 249)"),
            "topic the events go to"),
    KAFKA_SECURITY_PROTOCOL("kafka.securityProtocol", "PLAINTEXT", oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
            "how the connection is secured: TLS (`SSL`), SASL (`SASL_PLAINTEXT`) or both (`SASL_SSL`, Confluent Cloud and MSK)"),
    KAFKA_SASL_MECHANISM("kafka.sasl.mechanism", "PLAIN", oneOf("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
            "SASL mechanism (with a `SASL_` protocol)"),
    KAFKA_SASL_USERNAME("kafka.sasl.username", unset("required with a SASL_ protocol"), null,
            "SASL username (Confluent Cloud: the API key)"),
    KAFKA_SASL_PASSWORD("kafka.sasl.password", unset("required with a SASL_ protocol"), null,
            "SASL password (Confluent Cloud: the API secret)", Secrecy.SECRET),
    KAFKA_TLS_TRUST_STORE("kafka.tls.trustStore", unset("the JDK's"),
            described("a PKCS12 file, or JKS when the name ends in .jks"),
            "trust store for brokers whose certificate the JDK does not trust (with `SSL` or `SASL_SSL`)"),
    KAFKA_TLS_TRUST_STORE_PASSWORD("kafka.tls.trustStorePassword", unset("none"), null,
            "the trust store's password", Secrecy.SECRET),
    KAFKA_TIMEOUT("kafka.timeout", "60s", durations("1s", "1h"),
            "a page fails when the client has not taken all its records within this long, or a record is not acknowledged"
                    + " this long after it was sent (about twice this in all while no broker answers); a later poll sends it again"),
    SYSLOG_HOST("syslog.host", unset("required with output syslog"),
            described("a host name or IP address (an IPv6 one in brackets)"),
            "the syslog receiver (ArcSight or QRadar collector, syslog-ng, rsyslog, Graylog...)"),
    SYSLOG_PORT("syslog.port", unset("514, or 6514 with protocol tls"), wholeNumbers(1, 65535),
            "its port"),
    SYSLOG_PROTOCOL("syslog.protocol", "tls", oneOf("tls", "tcp", "udp"),
            "`tls`: RFC 5425, the certificate and host name verified; `tcp`: RFC 6587 octet counting in clear;"
                    + " `udp`: RFC 5426, one datagram per event, lost without notice when the receiver or the network drops it"),
    SYSLOG_FORMAT("syslog.format", "cef", oneOf("cef", "leef", "json"),
            "message body: `cef` (ArcSight), `leef` (LEEF 2.0, QRadar) or `json` (the Halo event unchanged); see docs/siem-formats.md"),
    SYSLOG_APP_NAME("syslog.appName", "halo-connector", described("1 to 48 printable ASCII characters, no space"),
            "APP-NAME of each RFC 5424 message"),
    SYSLOG_FACILITY("syslog.facility", "local0",
            described("a facility name (user, daemon, auth, local0 to local7...) or number 0 to 23"),
            "facility of each message's PRI (its severity comes from the event)"),
    SYSLOG_TLS_TRUST_STORE("syslog.tls.trustStore", unset("the JDK's"),
            described("a PKCS12 file, or JKS when the name ends in .jks"),
            "trust store holding the receiver's CA (protocol tls)"),
    SYSLOG_TLS_TRUST_STORE_PASSWORD("syslog.tls.trustStorePassword", unset("none"), null,
            "the trust store's password", Secrecy.SECRET);

    /** Marks a property whose value never appears in a log line or message. */
    enum Secrecy { PLAIN, SECRET }

    /** What applies when a property without a default is left blank. */
    record Unset(String meaning) {
    }

    private final String property;
    private final String defaultValue;
    private final String whenUnset;
    private final AllowedValues allowed;
    private final String description;
    private final boolean secret;

    ConnectorProperty(String property, String defaultValue, AllowedValues allowed, String description) {
        this(property, defaultValue, null, allowed, description, Secrecy.PLAIN);
    }

    ConnectorProperty(String property, Unset unset, AllowedValues allowed, String description) {
        this(property, "", unset.meaning(), allowed, description, Secrecy.PLAIN);
    }

    ConnectorProperty(String property, Unset unset, AllowedValues allowed, String description, Secrecy secrecy) {
        this(property, "", unset.meaning(), allowed, description, secrecy);
    }

    ConnectorProperty(String property, String defaultValue, String whenUnset, AllowedValues allowed,
            String description, Secrecy secrecy) {
        this.property = property;
        this.defaultValue = defaultValue;
        this.whenUnset = whenUnset;
        this.allowed = allowed;
        this.description = description;
        this.secret = secrecy == Secrecy.SECRET;
    }

    private static Unset unset(String meaning) {
        return new Unset(meaning);
    }

    /** The property's name, e.g. {@code halo.perPage}. */
    public String property() {
        return property;
    }

    /** The value used when the property is blank or absent; empty when there is none. */
    public Optional<String> defaultValue() {
        return defaultValue.isEmpty() ? Optional.empty() : Optional.of(defaultValue);
    }

    /** README's default column: the default in backticks, or what applies when it is left blank. */
    public String documentedDefault() {
        return whenUnset == null ? "`" + defaultValue + "`" : whenUnset;
    }

    /** The values it accepts; empty for free text. */
    public Optional<AllowedValues> allowed() {
        return Optional.ofNullable(allowed);
    }

    public String description() {
        return description;
    }

    /** A secret is left blank in application.properties and given through the environment. */
    public boolean secret() {
        return secret;
    }

    public static Optional<ConnectorProperty> named(String property) {
        return Arrays.stream(values()).filter(p -> p.property.equals(property)).findFirst();
    }

    int defaultInt() {
        return Integer.parseInt(requiredDefault());
    }

    Duration defaultDuration() {
        return DurationText.parse(requiredDefault());
    }

    boolean defaultBoolean() {
        return Boolean.parseBoolean(requiredDefault());
    }

    /** The table's default; a property without one is read with {@link PropertyLookup#get(ConnectorProperty)}. */
    public String requiredDefault() {
        if (defaultValue.isEmpty()) {
            throw new IllegalStateException(property + " has no default");
        }
        return defaultValue;
    }

    /** The phrase after "expected" in a message about a bad value. */
    public String expected() {
        return allowed().map(AllowedValues::describe).orElse("any text");
    }

    /** The declared allowed values as the kind the reader expects (fails on a declaration of another kind). */
    public <T extends AllowedValues> T allowed(Class<T> kind) {
        if (!kind.isInstance(allowed)) {
            throw new IllegalStateException(property + " is not declared as " + kind.getSimpleName());
        }
        return kind.cast(allowed);
    }
}
