package io.haloconnector.config;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One Halo account, as its {@code templatedRoute} in {@code routes/halo-accounts.yaml} or an instance
 * of the {@code halo-events-source} Kamelet gives it ({@link Origin}):
 * name, API key id and secret, API URL, first-run start, the key of its checkpoint and, optionally,
 * the HEC index, source and sourcetype of its events. Checked once at start; each problem is one
 * line naming the account, the parameter and where it is set. The shipped account, {@code default}
 * of routes/halo-accounts.yaml, takes its parameters from the {@code halo.api.*}, {@code halo.start}
 * and {@code halo.state.key} properties, so its messages name those.
 *
 * @param stateKey the checkpoint's key (a row in PostgreSQL; with the file store, the folder under
 *                 halo.state.dir, or halo.state.dir itself for the account {@code default})
 */
public record AccountSettings(String name, URI apiUrl, String key, String secret, Instant start, boolean startConfigured,
                              String stateKey, Optional<String> index, Optional<String> source,
                              Optional<String> sourcetype, Origin origin) {
    /** The shipped account's name: its file state is halo.state.dir itself. */
    public static final String DEFAULT = "default";
    // a seda queue, a route id, a metrics label, a folder and a cluster namespace are made of it
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern STATE_KEY = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

    /** Where an account is configured, which its messages name: the user has that place and no other. */
    public enum Origin {
        /** A templatedRoute of the halo-account template (the standalone connector's routes/halo-accounts.yaml). */
        ACCOUNTS_FILE("routes/halo-accounts.yaml"),
        /** An instance of the halo-events-source Kamelet in a host's route. */
        KAMELET("the halo-events-source Kamelet's parameters");

        private final String where;

        Origin(String where) {
            this.where = where;
        }

        /** The place, as a message names it. */
        public String where() {
            return where;
        }

        /** The name the user gives a template parameter under: the Kamelet names them as the API does. */
        String parameter(String templateName) {
            if (this == ACCOUNTS_FILE) {
                return templateName;
            }
            return switch (templateName) {
                case "key" -> "apiKey";
                case "secret" -> "apiSecretFrom";
                case "url" -> "apiUrl";
                default -> templateName;
            };
        }
    }

    /**
     * Reads one account's template parameters (blank means unset), given in routes/halo-accounts.yaml.
     *
     * @param allowPlainHttp halo.api.allowPlainHttp: an http:// URL to a host other than loopback is refused without it
     */
    public static AccountSettings of(String name, String key, String secret, String url, String start, String stateKey,
                                     String index, String source, String sourcetype, boolean allowPlainHttp, Clock clock) {
        return of(Origin.ACCOUNTS_FILE, name, key, secret, url, start, stateKey, index, source, sourcetype, allowPlainHttp, clock);
    }

    /** Reads one account's parameters (blank means unset), given where {@code origin} says. */
    public static AccountSettings of(Origin origin, String name, String key, String secret, String url, String start,
                                     String stateKey, String index, String source, String sourcetype, boolean allowPlainHttp,
                                     Clock clock) {
        String account = trim(name);
        if (!NAME.matcher(account).matches()) {
            throw new ConfigurationException("account name '" + account + "' is not valid: expected 1 to 63 lower-case"
                    + " letters, digits, '-' or '_', starting with a letter or digit (" + origin.where() + ")");
        }
        Labels labels = new Labels(account, origin);
        URI apiUrl;
        try {
            apiUrl = ConnectorSettings.apiUrl(trim(url).isEmpty() ? ConnectorProperty.HALO_API_URL.defaultValue().orElseThrow() : trim(url));
        } catch (ConfigurationException e) {
            // a URL with user info may hold the key and secret: do not echo it
            String shown = trim(url).contains("@") ? "(a URL with credentials)" : trim(url);
            throw new ConfigurationException(labels.of("url", ConnectorProperty.HALO_API_URL) + "=" + shown
                    + " is not valid: expected " + ConnectorProperty.HALO_API_URL.expected());
        }
        if ("http".equals(apiUrl.getScheme()) && !ConnectorSettings.isLoopback(apiUrl.getHost()) && !allowPlainHttp) {
            throw new ConfigurationException(labels.of("url", ConnectorProperty.HALO_API_URL) + "=" + apiUrl
                    + " would send the API key and secret in clear to " + apiUrl.getHost()
                    + ": use https://, or set halo.api.allowPlainHttp=true for a network you trust");
        }
        String keyId = labels.required("key", ConnectorProperty.HALO_API_KEY, key, "the Halo API key id");
        String keySecret = labels.required("secret", ConnectorProperty.HALO_API_SECRET, secret, "the Halo API key secret");
        boolean startConfigured = !trim(start).isEmpty();
        Instant first;
        try {
            first = startConfigured ? ConnectorSettings.parseStart(trim(start)) : clock.instant().minus(ConnectorSettings.RETENTION);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(labels.of("start", ConnectorProperty.HALO_START) + "=" + trim(start)
                    + " is not valid: expected " + ConnectorProperty.HALO_START.expected());
        }
        String checkpointKey = trim(stateKey).isEmpty() ? account : trim(stateKey);
        if (!STATE_KEY.matcher(checkpointKey).matches()) {
            throw new ConfigurationException(labels.of("stateKey", ConnectorProperty.HALO_STATE_KEY) + "=" + checkpointKey
                    + " is not valid: expected " + ConnectorProperty.HALO_STATE_KEY.expected() + ", not starting with '.'");
        }
        return new AccountSettings(account, apiUrl, keyId, keySecret, first, startConfigured, checkpointKey,
                optional(index), optional(source), optional(sourcetype), origin);
    }

    /**
     * This account read by a backfill: from {@code since} on (its first run's start), into the
     * checkpoint {@code stateKey} instead of the account's own.
     */
    public AccountSettings backfilling(Instant since, String stateKey) {
        return new AccountSettings(name, apiUrl, key, secret, since, true, stateKey, index, source, sourcetype, origin);
    }

    /** The API URL as the routes use it: no trailing slash. */
    public String apiBase() {
        return apiUrl.toString().replaceAll("/+$", "");
    }

    /** The prefix of this account's log lines: none for the shipped account, so one account reads as before. */
    public String logPrefix() {
        return DEFAULT.equals(name) ? "" : "Account " + name + ": ";
    }

    /** How a message names this account's start: halo.start for the shipped account. */
    public String startSetting() {
        return new Labels(name, origin).of("start", ConnectorProperty.HALO_START);
    }

    /** Where the user sets this account's key and secret, for a message that says what to change. */
    public String credentialsHint() {
        if (origin == Origin.KAMELET) {
            return "check account " + name + "'s apiKey, and the secret its apiSecretFrom names (" + origin.where() + ")";
        }
        return DEFAULT.equals(name) ? "check halo.api.key and halo.api.secret (or HALO_API_SECRET)"
                : "check the key and secret of account " + name + " (" + origin.where() + ")";
    }

    @Override
    public String toString() {
        // never the secret
        return "AccountSettings[" + name + ", " + apiUrl + ", key " + key + ", state key " + stateKey + "]";
    }

    /** How a message names a parameter: the property for the shipped account, the account and parameter otherwise. */
    private record Labels(String account, Origin origin) {
        private boolean shipped() {
            return origin == Origin.ACCOUNTS_FILE && DEFAULT.equals(account);
        }

        String of(String parameter, ConnectorProperty property) {
            return shipped() ? property.property() : "account " + account + ": " + origin.parameter(parameter);
        }

        String required(String parameter, ConnectorProperty property, String value, String what) {
            if (!trim(value).isEmpty()) {
                return trim(value);
            }
            String env = property.property().toUpperCase().replace('.', '_');
            if (shipped()) {
                return fail(property.property() + " is not set: set " + what + " in application.properties or " + env);
            }
            if (origin == Origin.KAMELET) {
                return fail(parameter.equals("secret")
                        ? of(parameter, property) + " names nothing that holds a value: set " + what + " in the environment"
                                + " variable or property it names (" + origin.where() + ")"
                        : of(parameter, property) + " is not set: set " + what + " (" + origin.where() + ")");
            }
            return fail(parameter.equals("secret")
                    ? of(parameter, property) + " is not set: set " + what + " in the environment variable that the"
                            + " account's secretFrom names (routes/halo-accounts.yaml)"
                    : of(parameter, property) + " is not set: set " + what + " in the account's templatedRoute"
                            + " (routes/halo-accounts.yaml)");
        }

        private static String fail(String message) {
            throw new ConfigurationException(message);
        }
    }

    private static Optional<String> optional(String value) {
        return trim(value).isEmpty() ? Optional.empty() : Optional.of(trim(value));
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
