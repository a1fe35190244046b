package io.haloconnector.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.haloconnector.config.ConnectorProperty.*;

/**
 * The PostgreSQL state's settings ({@code halo.state.store=jdbc}), read and validated with the
 * defaults of {@link ConnectorProperty}. A bad value fails with one {@link ConfigurationException}
 * line naming the property; the password never appears in any message, nor in {@link #toString()}.
 *
 * @param url      the JDBC URL, without credentials
 * @param username the PostgreSQL user
 * @param password the PostgreSQL password (from {@code HALO_STATE_JDBC_PASSWORD})
 * @param stateKey the checkpoint's row
 */
public record JdbcStateSettings(String url, String username, String password, String stateKey) {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    // jdbc:postgresql://host[:port][,host2[:port]]/database[?options]
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?#@]+)/([^/?#]*)(\\?.*)?");

    /** True when {@code halo.state.store=jdbc}. */
    public static boolean selected(PropertyLookup props) {
        return props.getOneOf(HALO_STATE_STORE).equals("jdbc");
    }

    /** Reads and validates the {@code halo.state.*} properties of the jdbc store. */
    public static JdbcStateSettings from(PropertyLookup props) {
        String stateKey = props.getOrDefault(HALO_STATE_KEY).trim();
        if (!KEY.matcher(stateKey).matches()) {
            throw new ConfigurationException("halo.state.key=" + stateKey + " is not valid: expected " + HALO_STATE_KEY.expected());
        }
        String url = props.require(HALO_STATE_JDBC_URL, "halo.state.store=jdbc needs it, such as jdbc:postgresql://db:5432/halo").trim();
        Matcher parts = URL.matcher(url);
        if (!parts.matches() || parts.group(2).isEmpty()) {
            // a URL with credentials in it must not be echoed
            String shown = url.toLowerCase(Locale.ROOT).contains("password") || url.contains("@") ? "(a URL with credentials)" : url;
            throw new ConfigurationException("halo.state.jdbc.url=" + shown + " is not valid: expected " + HALO_STATE_JDBC_URL.expected());
        }
        String options = parts.group(3) == null ? "" : parts.group(3).toLowerCase(Locale.ROOT);
        if (options.matches(".*[?&](password|user|sslpassword)=.*")) {
            throw new ConfigurationException("halo.state.jdbc.url carries credentials in its options: remove them and set"
                    + " halo.state.jdbc.username, and the password as HALO_STATE_JDBC_PASSWORD in the environment");
        }
        String username = props.require(HALO_STATE_JDBC_USERNAME, "halo.state.store=jdbc needs the PostgreSQL user").trim();
        String password = props.require(HALO_STATE_JDBC_PASSWORD,
                "halo.state.store=jdbc needs the PostgreSQL password: give it as HALO_STATE_JDBC_PASSWORD in the environment");
        return new JdbcStateSettings(url, username, password, stateKey);
    }

    /** The database for log lines: {@code postgresql://host:port/name}, without options or credentials. */
    public String location() {
        Matcher parts = URL.matcher(url);
        return parts.matches() ? "postgresql://" + parts.group(1) + "/" + parts.group(2) : "postgresql";
    }

    @Override
    public String toString() {
        return "JdbcStateSettings[" + location() + ", user " + username + ", state key " + stateKey + "]";
    }
}
