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

/**
 * The connector's own properties ({@code halo.*}), read and checked once at start. Each problem
 * is a {@link ConfigurationException} whose one line names the property and what is expected.
 */
public record ConnectorSettings(
        URI apiUrl, String apiKey, String apiSecret, Instant start, boolean startConfigured, String pollCron,
        int perPage, String output, Path stateDir, Path fileDir, long fileMaxBytes, Duration pollLag,
        Duration pollOverlap, int maxResults, int retryMaxAttempts, Duration retryMaxDelay, Duration apiTimeout) {

    public static final List<String> OUTPUTS = List.of("stdout", "file", "hec");
    /** Halo keeps events this long, so it is also the default first-run start. */
    public static final Duration RETENTION = Duration.ofDays(90);

    public static ConnectorSettings from(PropertyLookup props, Clock clock) {
        URI apiUrl = apiUrl(props.get("halo.api.url", "https://api.cloudpassage.com"));
        String key = props.require("halo.api.key", "set the Halo API key id in application.properties or HALO_API_KEY");
        String secret = props.require("halo.api.secret", "set the Halo API key secret in application.properties or HALO_API_SECRET");
        Optional<String> startText = props.get("halo.start");
        Instant start = startText.map(ConnectorSettings::parseStart).orElse(clock.instant().minus(RETENTION));
        String cron = props.get("halo.poll.cron", "0 * * * * ?");
        if (!CronExpression.isValidExpression(cron)) {
            throw new ConfigurationException("halo.poll.cron=" + cron + " is not valid: expected a Quartz cron"
                    + " expression such as '0 * * * * ?' (every minute)");
        }
        int perPage = props.getInt("halo.perPage", 500, 1, 500);
        String output = props.get("halo.output", "stdout").trim().toLowerCase();
        if (!OUTPUTS.contains(output)) {
            throw new ConfigurationException("halo.output=" + output + " is not valid: expected one of stdout, file, hec");
        }
        return new ConnectorSettings(apiUrl, key, secret, start, startText.isPresent(), cron, perPage, output,
                Path.of(props.get("halo.state.dir", "./state")),
                Path.of(props.get("halo.file.dir", "./events")),
                props.getInt("halo.file.maxMegabytes", 100, 1, 1_000_000) * 1024L * 1024L,
                props.getDuration("halo.poll.lag", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1)),
                props.getDuration("halo.poll.overlap", Duration.ofMinutes(2), Duration.ZERO, Duration.ofDays(1)),
                props.getInt("halo.api.maxResults", 10_000, 1, 1_000_000),
                props.getInt("halo.retry.maxAttempts", 8, 1, 1000),
                props.getDuration("halo.retry.maxDelay", Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofHours(1)),
                props.getDuration("halo.api.timeout", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMinutes(10)));
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
        throw new ConfigurationException("halo.api.url=" + shown + " is not valid: expected an http(s) URL"
                + " without query or credentials, such as https://api.cloudpassage.com");
    }

    static Instant parseStart(String text) {
        String value = text.trim();
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ConfigurationException("halo.start=" + text + " is not valid: expected an ISO-8601 date"
                    + " (2026-09-01) or date-time (2026-09-01T10:00:00Z)");
        }
    }
}
