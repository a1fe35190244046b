package io.haloconnector.halo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HaloApiClientTest {

    private static EventPage parse(String body) {
        return HaloApiClient.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventsPassThroughByteForByteIncludingNumbersAndUnknownFields() throws Exception {
        String event = "{\"id\":\"bee374e4fbc911e79f9f25d7f6f8d377\",\"created_at\":\"2018-01-17T21:02:36.771Z\","
                + "\"cves\":[{\"CVE\":\"CVE-2024-1\",\"CVSS\":9.0},{\"CVE\":\"CVE-2024-2\",\"CVSS\":7.25}],"
                + "\"message\":\"quote \\\" and ü – 🙂\",\"actor_issuer\":null,\"new_field\":{\"x\":[1,2]}}";
        EventPage page = parse("{\"count\":1,\"events\":[" + event + "],\"pagination\":{}}");
        assertThat(HaloApiClient.JSON.writeValueAsString(page.events().get(0).json())).isEqualTo(event);
        assertThat(page.hasNext()).isFalse();
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
    }
}
