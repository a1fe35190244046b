package io.haloconnector.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorSettingsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    private static ConnectorSettings settings(Map<String, String> values) {
        return ConnectorSettings.from(name -> Optional.ofNullable(values.get(name)), CLOCK);
    }

    private static Map<String, String> valid() {
        Map<String, String> values = new HashMap<>();
        values.put("halo.api.key", "key");
        values.put("halo.api.secret", "secret");
        return values;
    }

    @Test
    void defaultsFollowTheDocumentedContract() {
        ConnectorSettings s = settings(valid());
        assertThat(s.apiUrl()).hasToString("https://api.cloudpassage.com");
        assertThat(s.start()).isEqualTo(Instant.parse("2026-09-01T12:00:00Z"));
        assertThat(s.perPage()).isEqualTo(500);
        assertThat(s.output()).isEqualTo("stdout");
        assertThat(s.pollCron()).isEqualTo("0 * * * * ?");
    }

    @Test
    void startTakesADateOrADateTime() {
        Map<String, String> values = valid();
        values.put("halo.start", "2026-09-01");
        assertThat(settings(values).start()).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
        values.put("halo.start", "2026-09-01T10:00:00.500+02:00");
        assertThat(settings(values).start()).isEqualTo(Instant.parse("2026-09-01T08:00:00.500Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "halo.api.key||halo.api.key is not set",
            "halo.api.secret||halo.api.secret is not set",
            "halo.start|last tuesday|halo.start=last tuesday is not valid: expected an ISO-8601 date",
            "halo.output|splunk|halo.output=splunk is not valid: expected one of stdout, file, hec",
            "halo.api.url|api.cloudpassage.com|halo.api.url=api.cloudpassage.com is not valid: expected an http(s) URL",
            "halo.perPage|900|halo.perPage=900 is not valid: expected a whole number from 1 to 500",
            "halo.perPage|0|halo.perPage=0 is not valid: expected a whole number from 1 to 500",
            "halo.poll.cron|every minute|halo.poll.cron=every minute is not valid: expected a Quartz cron",
            "halo.poll.lag|soon|halo.poll.lag=soon is not valid: expected a duration",
    })
    void badInputIsRefusedWithOneLineNamingThePropertyAndWhatIsExpected(String property, String value, String message) {
        Map<String, String> values = valid();
        values.put(property, value);
        assertThatThrownBy(() -> settings(values))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void plainHttpToAHostOtherThanLoopbackIsRefusedUnlessAllowed() {
        Map<String, String> values = valid();
        values.put("halo.api.url", "http://halo-proxy.internal:8080");
        assertThatThrownBy(() -> settings(values))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("halo.api.url=http://halo-proxy.internal:8080 would send the API key and secret in clear to"
                        + " halo-proxy.internal: use https://, or set halo.api.allowPlainHttp=true for a network you trust");
        values.put("halo.api.allowPlainHttp", "true");
        assertThat(settings(values).apiUrl()).hasToString("http://halo-proxy.internal:8080");
    }

    @Test
    void plainHttpToLoopbackIsAllowedForTheSimulator() {
        Map<String, String> values = valid();
        for (String url : new String[] {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.0.1.1"}) {
            values.put("halo.api.url", url);
            assertThat(settings(values).apiUrl()).hasToString(url);
        }
        values.put("halo.api.url", "http://127.0.0.1.attacker.example");
        assertThatThrownBy(() -> settings(values)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutEchoingThem() {
        Map<String, String> values = valid();
        values.put("halo.api.url", "https://key:s3cret@api.cloudpassage.com");
        assertThatThrownBy(() -> settings(values))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("halo.api.url=(a URL with credentials) is not valid")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
