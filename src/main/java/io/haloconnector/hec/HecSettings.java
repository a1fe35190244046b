package io.haloconnector.hec;

import io.haloconnector.config.*;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

import static io.haloconnector.config.ConnectorProperty.*;

/**
 * The HEC output's settings, read and validated from properties with the defaults and ranges of
 * {@link ConnectorProperty} (where each {@code hec.*} property is described). A bad value fails
 * with one {@link ConfigurationException} line naming the property; the token never appears in
 * any message.
 */
public final class HecSettings {

    static final String DEFAULT_HALO_HOST = URI.create(HALO_API_URL.requiredDefault()).getHost();

    private final URI url;
    private final String token;
    private final String index;
    private final String sourcetype;
    private final String source;
    private final String host;
    private final int batchEvents;
    private final int batchBytes;
    private final boolean gzip;
    private final int maxInFlight;
    private final boolean adaptiveConcurrency;
    private final boolean ack;
    private final Duration ackTimeout;
    private final Duration ackPollInterval;
    private final Path trustStore;
    private KeyStore trustKeyStore; // loaded once, here, where a bad file is a one-line configuration error
    private final String trustStorePassword;
    private final boolean insecure;
    private final Duration retryMaxDelay;
    private final Duration timeout;

    private HecSettings(PropertyLookup props) {
        this.url = parseUrl(props.require(HEC_URL, "set it to the HEC base URL, such as https://splunk:8088"));
        this.token = props.require(HEC_TOKEN, "set it to the HEC token").trim();
        if (token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConfigurationException("hec.token is not valid: it contains whitespace or control characters");
        }
        this.index = props.get(HEC_INDEX).map(String::trim).orElse(null);
        if (index != null && !index.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new ConfigurationException("hec.index=" + index + " is not valid: expected " + HEC_INDEX.expected());
        }
        this.sourcetype = props.getOrDefault(HEC_SOURCETYPE).trim();
        this.source = props.getOrDefault(HEC_SOURCE).trim();
        this.host = props.get(HEC_HOST).map(String::trim).orElseGet(() -> haloHost(props));
        this.batchEvents = props.getInt(HEC_BATCH_EVENTS);
        this.batchBytes = props.getInt(HEC_BATCH_BYTES);
        this.gzip = props.getBoolean(HEC_GZIP);
        this.maxInFlight = props.getInt(HEC_MAX_IN_FLIGHT);
        this.adaptiveConcurrency = props.getBoolean(HEC_ADAPTIVE_CONCURRENCY);
        this.ack = props.getBoolean(HEC_ACK);
        this.ackTimeout = props.getDuration(HEC_ACK_TIMEOUT);
        this.ackPollInterval = props.getDuration(HEC_ACK_POLL_INTERVAL);
        this.insecure = props.getBoolean(HEC_TLS_INSECURE);
        this.trustStorePassword = props.get(HEC_TLS_TRUST_STORE_PASSWORD).orElse(null);
        if (insecure && props.get(HEC_TLS_TRUST_STORE).isPresent()) {
            throw new ConfigurationException("hec.tls.insecure=true conflicts with hec.tls.trustStore: set only one of them");
        }
        this.trustStore = props.get(HEC_TLS_TRUST_STORE).map(String::trim).map(this::checkTrustStore).orElse(null);
        this.retryMaxDelay = props.getDuration(HEC_RETRY_MAX_DELAY);
        this.timeout = props.getDuration(HEC_TIMEOUT);
    }

    /** Reads and validates the {@code hec.*} properties (and halo.api.url for the default host). */
    public static HecSettings from(PropertyLookup props) {
        return new HecSettings(props);
    }

    private static URI parseUrl(String raw) {
        String hint = "expected " + HEC_URL.expected();
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
        return props.get(HALO_API_URL).map(raw -> {
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
            trustKeyStore = store;
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

    /** Pages whose POSTs may be in flight at once. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** True: the pages in flight follow HEC's round-trip time up to {@link #maxInFlight()}; false: pinned there. */
    public boolean adaptiveConcurrency() {
        return adaptiveConcurrency;
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
    /** The trust store's certificates, read when the settings were checked; empty without hec.tls.trustStore. */
    public Optional<KeyStore> trustKeyStore() {
        return Optional.ofNullable(trustKeyStore);
    }

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

    /** hec.timeout in milliseconds, as camel-http takes its timeouts ({@code {{bean:hecSettings.timeoutMillis}}}). */
    public long timeoutMillis() {
        return timeout().toMillis();
    }

    /** hec.url as validated, without a trailing slash: the routes append {@code /services/collector/...}. */
    public String baseUrl() {
        return url().toString().replaceAll("/+$", "");
    }

    /** {@link #baseUrl()} without its scheme ({@code splunk:8088}), after the HEC route's {@code hec-http://}. */
    public String address() {
        return baseUrl().substring(url().getScheme().length() + "://".length());
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
