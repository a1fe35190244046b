package io.haloconnector.halo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventPageParserTest {

    private static EventPage parse(String body) {
        return EventPageParser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventsPassThroughByteForByteIncludingNumbersAndUnknownFields() throws Exception {
        String event = "{\"id\":\"bee374e4fbc911e79f9f25d7f6f8d377\",\"created_at\":\"2018-01-17T21:02:36.771Z\","
                + "\"cves\":[{\"CVE\":\"CVE-2024-1\",\"CVSS\":9.0},{\"CVE\":\"CVE-2024-2\",\"CVSS\":7.25}],"
                + "\"message\":\"quote \\\" and ü – 🙂\",\"actor_issuer\":null,\"new_field\":{\"x\":[1,2]}}";
        EventPage page = parse("{\"count\":1,\"events\":[" + event + "],\"pagination\":{}}");
        assertThat(new String(page.events().get(0).json(), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(page.events().get(0).id()).isEqualTo("bee374e4fbc911e79f9f25d7f6f8d377");
        assertThat(page.count()).isEqualTo(1);
        assertThat(page.hasNext()).isFalse();
    }

    @Test
    void aPrettyPrintedPageGivesEachEventOnOneLineWithItsTypeAndCount() {
        EventPage page = parse("{\n  \"count\": 1234,\n  \"events\": [\n    {\n      \"id\": \"a\",\n"
                + "      \"type\": \"fim_object_added\",\r\n      \"created_at\": \"2026-11-01T00:00:00.5Z\",\n"
                + "      \"message\": \"line one\\nline two\"\n    },\n    {\"id\": \"b\", \"created_at\": \"2026-11-01T00:00:01Z\"}\n  ],\n"
                + "  \"pagination\": {\"next\": \"https://x/v1/events?page=2\", \"previous\": null}\n}\n");
        HaloEvent first = page.events().get(0);
        assertThat(new String(first.json(), StandardCharsets.UTF_8)).doesNotContain("\n", "\r")
                .contains("\"message\": \"line one\\nline two\"");
        assertThat(first.tree().get("message").asText()).isEqualTo("line one\nline two");
        assertThat(first.type()).isEqualTo("fim_object_added");
        assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-11-01T00:00:00.500Z"));
        assertThat(page.events().get(1).type()).isEmpty();
        assertThat(page.count()).isEqualTo(1234);
        assertThat(page.hasNext()).isTrue();
    }

    @Test
    void microsecondTimestampsOfOldEventsAreAccepted() {
        EventPage page = parse("{\"count\":1,\"events\":[{\"id\":\"a\",\"created_at\":\"2014-06-01T10:00:00.123456Z\"}],"
                + "\"pagination\":{\"next\":\"https://api.cloudpassage.com/v1/events?page=2\"}}");
        assertThat(page.events().get(0).createdAt().getNano()).isEqualTo(123_456_000);
        assertThat(page.hasNext()).isTrue();
    }

    @Test
    void aMalformedAnswerIsReportedNotSkipped() {
        assertThatThrownBy(() -> parse("{\"count\":3,\"events\":[{\"id\":\"a\",\"created_at\":\"2026-"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"count\":3}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("no \"events\" array");
        assertThatThrownBy(() -> parse("{\"events\":[{\"created_at\":\"2026-11-01T00:00:00Z\"}]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("has no \"id\"");
        assertThatThrownBy(() -> parse("{\"events\":[{\"id\":7,\"created_at\":\"2026-11-01T00:00:00Z\"}]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("has no \"id\"");
        assertThatThrownBy(() -> parse("{\"events\":[{\"id\":\"a\"}]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("event a has no \"created_at\"");
        assertThatThrownBy(() -> parse("{\"events\":[{\"id\":\"a\",\"created_at\":\"yesterday\"}]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("unparsable created_at 'yesterday'");
        assertThatThrownBy(() -> parse("{\"events\":[\"a\"]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("{\"events\":[]}{\"events\":[]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("after its JSON object");
    }
}
