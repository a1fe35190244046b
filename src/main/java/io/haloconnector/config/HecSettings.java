package io.haloconnector.config;


import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The HEC output's settings, read and validated from properties. A bad value fails with one
 * {@link ConfigurationException} line naming the property; the token never appears in any message.
 *
 * <table>
 * <caption>Properties</caption>
 * <tr><th>property</th><th>meaning</th><th>default</th></tr>
 * <tr><td>hec.url</td><td>HEC base URL, e.g. https://splunk:8088 (a trailing /services/collector... is dropped)</td><td>required</td></tr>
 * <tr><td>hec.token</td><td>HEC token, sent only in the Authorization header (secret)</td><td>required</td></tr>
 * <tr><td>hec.index</td><td>index to write to</td><td>none: the token's default index</td></tr>
 * <tr><td>hec.sourcetype</td><td>sourcetype</td><td>cp_halo</td></tr>
 * <tr><td>hec.source</td><td>source</td><td>halo:events</td></tr>
 * <tr><td>hec.host</td><td>host field</td><td>the host of halo.api.url (api.cloudpassage.com when unset)</td></tr>
 * <tr><td>hec.batch.events</td><td>max events per POST</td><td>500</td></tr>
 * <tr><td>hec.batch.bytes</td><td>max uncompressed bytes per POST</td><td>1000000 (fits Splunk Cloud's ~1 MB)</td></tr>
 * <tr><td>hec.gzip</td><td>gzip request bodies</td><td>true</td></tr>
 * <tr><td>hec.ack</td><td>indexer acknowledgement: delivered means acked</td><td>false</td></tr>
 * <tr><td>hec.ack.timeout</td><td>resend a batch not acked after this long</td><td>5m</td></tr>
 * <tr><td>hec.ack.pollInterval</td><td>how often /services/collector/ack is polled</td><td>10s</td></tr>
 * <tr><td>hec.tls.trustStore</td><td>PKCS12/JKS trust store for the HEC certificate</td><td>the JDK's</td></tr>
 * <tr><td>hec.tls.trustStorePassword</td><td>its password (secret)</td><td>none</td></tr>
 * <tr><td>hec.tls.insecure</td><td>skip certificate and hostname verification (logs a WARN)</td><td>false</td></tr>
 * <tr><td>hec.retry.maxDelay</td><td>cap of the retry backoff; also the pace of retries after a configuration error</td><td>60s</td></tr>
 * <tr><td>hec.timeout</td><td>connect and answer timeout of one request</td><td>30s</td></tr>
 * </table>
 */
public final class HecSettings {

    static final String DEFAULT_HALO_HOST = "api.cloudpassage.com";

    private final URI url;
    private final String token;
    private final String index;
    private final String sourcetype;
    private final String source;
    private final String host;
    private final int batchEvents;
    private final int batchBytes;
    private final boolean gzip;
    private final boolean ack;
    private final Duration ackTimeout;
    private final Duration ackPollInterval;
    private final Path trustStore;
    private final String trustStorePassword;
    private final boolean insecure;
    private final Duration retryMaxDelay;
    private final Duration timeout;

    private HecSettings(PropertyLookup props) {
        this.url = parseUrl(props.require("hec.url", "set it to the HEC base URL, such as https://splunk:8088"));
        this.token = props.require("hec.token", "set it to the HEC token").trim();
        if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConfigurationException("hec.token is not valid: it contains whitespace or control characters");
        }
        this.index = props.get("hec.index").map(String::trim).orElse(null);
        if (index != null && !index.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new ConfigurationException("hec.index=" + index + " is not valid: expected a Splunk index name "
                    + "(lower-case letters, digits, _ and -, starting with a letter or digit)");
        }
        this.sourcetype = props.get("hec.sourcetype", "cp_halo").trim();
        this.source = props.get("hec.source", "halo:events").trim();
        this.host = props.get("hec.host").map(String::trim).orElseGet(() -> haloHost(props));
        this.batchEvents = props.getInt("hec.batch.events", 500, 1, 100_000);
        this.batchBytes = props.getInt("hec.batch.bytes", 1_000_000, 1_000, 800 * 1024 * 1024);
        this.gzip = props.getBoolean("hec.gzip", true);
        this.ack = props.getBoolean("hec.ack", false);
        this.ackTimeout = props.getDuration("hec.ack.timeout", Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofDays(1));
        this.ackPollInterval = props.getDuration("hec.ack.pollInterval", Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMinutes(10));
        this.insecure = props.getBoolean("hec.tls.insecure", false);
        this.trustStorePassword = props.get("hec.tls.trustStorePassword").orElse(null);
        if (insecure && props.get("hec.tls.trustStore").isPresent()) {
            throw new ConfigurationException("hec.tls.insecure=true conflicts with hec.tls.trustStore: set only one of them");
        }
        this.trustStore = props.get("hec.tls.trustStore").map(String::trim).map(this::checkTrustStore).orElse(null);
        this.retryMaxDelay = props.getDuration("hec.retry.maxDelay", Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofHours(1));
        this.timeout = props.getDuration("hec.timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10));
    }

    /** Reads and validates the {@code hec.*} properties (and halo.api.url for the default host). */
    public static HecSettings from(PropertyLookup props) {
        return new HecSettings(props);
    }

    private static URI parseUrl(String raw) {
        String hint = "expected an http(s) URL such as https://splunk:8088";
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigurationException("hec.url=" + raw + " is not valid: " + hint);
        }
        if (uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
            // the value may hold a secret, so it is not echoed
            throw new ConfigurationException("hec.url is not valid: it must not carry a query string or user info "
                    + "(the token goes in hec.token): " + hint);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null || uri.getRawFragment() != null) {
            throw new ConfigurationException("hec.url=" + raw + " is not valid: " + hint);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        // users often paste the full endpoint; the sender appends the paths itself
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String suffix : new String[] {"/services/collector/event/1.0", "/services/collector/event", "/services/collector"}) {
            if (path.endsWith(suffix)) {
                path = path.substring(0, path.length() - suffix.length());
                break;
            }
        }
        return URI.create(uri.getScheme().toLowerCase() + "://" + uri.getRawAuthority() + path);
    }

    private static String haloHost(PropertyLookup props) {
        return props.get("halo.api.url").map(raw -> {
            try {
                return new URI(raw.trim()).getHost();
            } catch (URISyntaxException e) {
                return null;
            }
        }).orElse(DEFAULT_HALO_HOST);
    }

    private Path checkTrustStore(String raw) {
        Path path = Path.of(raw);
        if (!Files.isReadable(path)) {
            throw new ConfigurationException("hec.tls.trustStore=" + raw + " is not valid: no readable file there");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(raw.toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
            if (store.size() == 0) {
                throw new ConfigurationException("hec.tls.trustStore=" + raw + " is not valid: it holds no certificate");
            }
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("hec.tls.trustStore=" + raw + " could not be read (" + e.getClass().getSimpleName()
                    + "): expected a PKCS12 or JKS file (.jks); check hec.tls.trustStorePassword");
        }
        return path;
    }

    /** Base URL without trailing slash, e.g. {@code https://splunk:8088}. */
    public URI url() {
        return url;
    }

    /** The secret token: package-private so it only reaches the Authorization header. */
    public String token() {
        return token;
    }

    public Optional<String> index() {
        return Optional.ofNullable(index);
    }

    public String sourcetype() {
        return sourcetype;
    }

    public String source() {
        return source;
    }

    public String host() {
        return host;
    }

    public int batchEvents() {
        return batchEvents;
    }

    public int batchBytes() {
        return batchBytes;
    }

    public boolean gzip() {
        return gzip;
    }

    public boolean ack() {
        return ack;
    }

    public Duration ackTimeout() {
        return ackTimeout;
    }

    public Duration ackPollInterval() {
        return ackPollInterval;
    }

    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** The trust store's password: package-private, it is a secret too. */
    public char[] trustStorePassword() {
        return trustStorePassword == null ? null : trustStorePassword.toCharArray();
    }

    public boolean insecure() {
        return insecure;
    }

    public Duration retryMaxDelay() {
        return retryMaxDelay;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "HecSettings[url=" + url + ", token=****, index=" + index + ", sourcetype=" + sourcetype + ", source=" + source
                + ", host=" + host + ", batchEvents=" + batchEvents + ", batchBytes=" + batchBytes + ", gzip=" + gzip
                + ", ack=" + ack + ", ackTimeout=" + ackTimeout + ", ackPollInterval=" + ackPollInterval
                + ", trustStore=" + trustStore + ", insecure=" + insecure + ", retryMaxDelay=" + retryMaxDelay
                + ", timeout=" + timeout + "]";
    }
}
