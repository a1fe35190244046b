package io.haloconnector.config;

import org.quartz.CronExpression;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import static io.haloconnector.config.ConnectorProperty.*;

/**
 * The connector's own properties ({@code halo.*}) shared by every account, read and checked once
 * at start with the defaults and ranges of {@link ConnectorProperty} (each account's own are
 * {@link AccountSettings}). Each problem is a {@link ConfigurationException} whose
 * one line names the property and what is expected.
 */
public record ConnectorSettings(
        String pollCron,
        int perPage, String output, Path stateDir, Path fileDir, long fileMaxBytes, Duration pollLag,
        Duration pollOverlap, int maxResults, int retryMaxAttempts, Duration retryMaxDelay, Duration apiTimeout) {

    public static final List<String> OUTPUTS = HALO_OUTPUT.allowed(AllowedValues.OneOf.class).values();
    /** Halo keeps events this long, so it is also the default first-run start. */
    public static final Duration RETENTION = Duration.ofDays(90);

    public static ConnectorSettings from(PropertyLookup props, Clock clock) {
        String cron = props.getOrDefault(HALO_POLL_CRON);
        if (!CronExpression.isValidExpression(cron)) {
            throw invalid(HALO_POLL_CRON, cron);
        }
        int perPage = props.getInt(HALO_PER_PAGE);
        String output = props.getOrDefault(HALO_OUTPUT).trim().toLowerCase();
        if (!OUTPUTS.contains(output)) {
            throw invalid(HALO_OUTPUT, output);
        }
        return new ConnectorSettings(cron, perPage, output,
                Path.of(props.getOrDefault(HALO_STATE_DIR)),
                Path.of(props.getOrDefault(HALO_FILE_DIR)),
                props.getInt(HALO_FILE_MAX_MEGABYTES) * 1024L * 1024L,
                props.getDuration(HALO_POLL_LAG),
                props.getDuration(HALO_POLL_OVERLAP),
                props.getInt(HALO_API_MAX_RESULTS),
                props.getInt(HALO_RETRY_MAX_ATTEMPTS),
                props.getDuration(HALO_RETRY_MAX_DELAY),
                props.getDuration(HALO_API_TIMEOUT));
    }

    /** These settings with the state and the file output in other folders (a backfill's own). */
    public ConnectorSettings withFolders(Path state, Path files) {
        return new ConnectorSettings(pollCron, perPage, output, state, files, fileMaxBytes, pollLag, pollOverlap, maxResults,
                retryMaxAttempts, retryMaxDelay, apiTimeout);
    }

    private static ConfigurationException invalid(ConnectorProperty property, String shown) {
        return new ConfigurationException(property.property() + "=" + shown + " is not valid: expected " + property.expected());
    }

    static URI apiUrl(String text) {
        try {
            URI uri = new URI(text.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        // a URL with user info may hold the key and secret: do not echo it
        String shown = text.contains("@") ? "(a URL with credentials)" : text;
        throw invalid(HALO_API_URL, shown);
    }

    /** Loopback by its literal name only: resolving a name here could be answered by anyone on the network. */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /** The host:port a URL connects to (the scheme's port when it names none), for lines that name a server. */
    public static String hostAndPort(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    /** An ISO-8601 date (midnight UTC) or date-time; a {@link ConfigurationException} naming halo.start otherwise. */
    public static Instant parseStart(String text) {
        String value = text.trim();
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(HALO_START, text);
        }
    }
}
