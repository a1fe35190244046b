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
        assertThat(s.perPage()).isEqualTo(500);
        assertThat(s.output()).isEqualTo("stdout");
        assertThat(s.pollCron()).isEqualTo("0 * * * * ?");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "halo.output|splunk|halo.output=splunk is not valid: expected one of stdout, file, hec",
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
}
