package io.haloconnector.splunkapp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * props.conf finds and reads {@code created_at} the way Splunk would in a raw event: TIME_PREFIX
 * (a regex), then TIME_FORMAT within MAX_TIMESTAMP_LOOKAHEAD characters, in TZ.
 */
class TimestampTest {

    @Test
    void timeFormatReadsEveryCreatedAtOfTheSimulatorToTheMillisecond() throws IOException {
        RawTimestamps props = RawTimestamps.fromProps();

        for (ObjectNode event : SimulatorEvents.all()) {
            Instant createdAt = Instant.parse(event.get("created_at").asText());
            // the event as the file output writes it and HEC /raw would receive it
            assertThat(props.timeOf(event.toString())).as(event.get("created_at").asText()).isEqualTo(createdAt);
        }
    }

    @Test
    void timeFormatAlsoReadsTheMicrosecondTimestampsOfEventsFromBefore2015() throws IOException {
        RawTimestamps props = RawTimestamps.fromProps();

        assertThat(props.timeOf("{\"id\":\"a\",\"created_at\":\"2013-09-19T17:34:28.808886Z\",\"critical\":false}"))
                .isEqualTo(Instant.parse("2013-09-19T17:34:28.808Z"));
        assertThat(props.timeOf("{\"id\":\"a\", \"created_at\" : \"2013-09-19T17:34:28.808886Z\"}"))
                .isEqualTo(Instant.parse("2013-09-19T17:34:28.808Z"));
    }

    @Test
    void theLookaheadCoversTheLongerMicrosecondForm() throws IOException {
        Map<String, String> cpHalo = SplunkApp.conf("default/props.conf").stanza("cp_halo");

        assertThat(Integer.parseInt(cpHalo.get("MAX_TIMESTAMP_LOOKAHEAD")))
                .isGreaterThanOrEqualTo("2013-09-19T17:34:28.808886Z".length());
    }

    @Test
    void theStrptimeSubsetRefusesWhatItCannotCheck() {
        assertThatThrownBy(() -> StrptimeFormat.of("%Y-%m-%dT%H:%M:%S%z", ZoneId.of("UTC")))
                .hasMessageContaining("%z");
        assertThatThrownBy(() -> StrptimeFormat.of("%Y-%m-%dT%H:%M:%S.%3N", ZoneId.of("UTC")).parse("2018-01-17 21:02:36.771Z"))
                .hasMessageContaining("does not match");
    }

    /** The timestamp settings of [cp_halo]. */
    private record RawTimestamps(Pattern prefix, StrptimeFormat format, int lookahead) {

        static RawTimestamps fromProps() throws IOException {
            Map<String, String> cpHalo = SplunkApp.conf("default/props.conf").stanza("cp_halo");
            return new RawTimestamps(Pattern.compile(cpHalo.get("TIME_PREFIX")),
                    StrptimeFormat.of(cpHalo.get("TIME_FORMAT"), ZoneId.of(cpHalo.get("TZ"))),
                    Integer.parseInt(cpHalo.get("MAX_TIMESTAMP_LOOKAHEAD")));
        }

        Instant timeOf(String raw) {
            Matcher matcher = prefix.matcher(raw);
            assertThat(matcher.find()).as("TIME_PREFIX in " + raw).isTrue();
            String window = raw.substring(matcher.end(), Math.min(raw.length(), matcher.end() + lookahead));
            return format.parse(window);
        }
    }
}
