package io.haloconnector.syslog;

import io.haloconnector.config.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.haloconnector.config.ConnectorProperty.*;

/**
 * The syslog output's settings ({@code syslog.*}), read and checked once at start with the defaults
 * and ranges of {@link ConnectorProperty}. A bad value is one {@link ConfigurationException} line
 * naming the property; the trust store's password never appears in a message.
 */
public final class SyslogSettings {

    /** RFC 5424's facility names, in code order (0 to 23). */
    static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    private final String host;
    private final int port;
    private final String protocol;
    private final String format;
    private final String appName;
    private final int facility;
    private final KeyStore trustStore;

    private SyslogSettings(PropertyLookup props) {
        this.host = props.require(SYSLOG_HOST, "set it to the syslog receiver's host name or IP address").trim();
        // it goes into the endpoint URI: nothing that could add a path or parameters
        if (!host.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]")) {
            throw new ConfigurationException("syslog.host=" + host + " is not valid: expected " + SYSLOG_HOST.expected());
        }
        this.protocol = props.getOneOf(SYSLOG_PROTOCOL);
        this.port = props.get(SYSLOG_PORT).isPresent() ? props.getInt(SYSLOG_PORT.property(), 0, 1, 65535)
                : protocol.equals("tls") ? 6514 : 514;
        this.format = props.getOneOf(SYSLOG_FORMAT);
        this.appName = props.getOrDefault(SYSLOG_APP_NAME).trim();
        if (!appName.matches("[!-~]{1,48}")) {
            throw new ConfigurationException("syslog.appName=" + appName + " is not valid: expected " + SYSLOG_APP_NAME.expected());
        }
        this.facility = facility(props.getOrDefault(SYSLOG_FACILITY).trim().toLowerCase(Locale.ROOT));
        Optional<String> password = props.get(SYSLOG_TLS_TRUST_STORE_PASSWORD);
        this.trustStore = props.get(SYSLOG_TLS_TRUST_STORE).map(String::trim).map(path -> load(path, password)).orElse(null);
        if (trustStore != null && !protocol.equals("tls")) {
            throw new ConfigurationException("syslog.tls.trustStore is set but syslog.protocol=" + protocol
                    + " sends in clear: set syslog.protocol=tls, or remove the trust store");
        }
    }

    /** Reads and validates the {@code syslog.*} properties. */
    public static SyslogSettings from(PropertyLookup props) {
        return new SyslogSettings(props);
    }

    private static int facility(String text) {
        int index = FACILITIES.indexOf(text);
        if (index >= 0) {
            return index;
        }
        if (text.matches("\\d{1,2}") && Integer.parseInt(text) <= 23) {
            return Integer.parseInt(text);
        }
        throw new ConfigurationException("syslog.facility=" + text + " is not valid: expected " + SYSLOG_FACILITY.expected());
    }

    private static KeyStore load(String raw, Optional<String> password) {
        Path path = Path.of(raw);
        if (!Files.isReadable(path)) {
            throw new ConfigurationException("syslog.tls.trustStore=" + raw + " is not valid: no readable file there");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(raw.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, password.map(String::toCharArray).orElse(null));
            if (store.size() == 0) {
                throw new ConfigurationException("syslog.tls.trustStore=" + raw + " is not valid: it holds no certificate");
            }
            return store;
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("syslog.tls.trustStore=" + raw + " could not be read (" + e.getClass().getSimpleName()
                    + "): expected a PKCS12 or JKS file (.jks); check syslog.tls.trustStorePassword");
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** tls, tcp or udp. */
    public String protocol() {
        return protocol;
    }

    /** cef, leef or json. */
    public String format() {
        return format;
    }

    public String appName() {
        return appName;
    }

    /** The facility's code, 0 to 23. */
    public int facility() {
        return facility;
    }

    /** The trust store's certificates, read when the settings were checked; empty means the JDK's. */
    public Optional<KeyStore> trustStore() {
        return Optional.ofNullable(trustStore);
    }
}
