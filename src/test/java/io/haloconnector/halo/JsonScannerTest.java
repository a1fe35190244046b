package io.haloconnector.halo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scanner accepts the JSON Jackson accepts: each value below is put in an event's field and
 * must pass or fail the page parse as Jackson's own parse of it does, so a page the connector read
 * before is read now, and one it refused is refused.
 */
class JsonScannerTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "\"plain\"", "\"\"", "\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t\"", "\"\\u00fc\\u20AC\\ud83d\\ude42\"",
        "\"ü – 🙂 中文\"", "\"{not an object}\"", "\"[\"", "\"}]\"",
        "0", "-0", "12", "-12", "1.5", "-0.25", "1e5", "1E+5", "2.5e-3", "12345678901234567890.123456789",
        "true", "false", "null", "[]", "{}", "[1,[2,[3]],{\"a\":{\"b\":[]}}]", " [ 1 , 2 ] ", "{\"a\" : \"}\" , \"b\":\"\\\"{\"}",
        "{\"\":1}", "[\"\\\\\"]"})
    void validJsonInAnEventIsDeliveredByteForByte(String value) {
        String event = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\",\"x\":" + value + ",\"type\":\"t\"}";
        assertThatCode(() -> HaloJson.MAPPER.readTree(event)).doesNotThrowAnyException();

        EventPage page = EventPageParser.parse(("{\"events\":[" + event + "]}").getBytes(StandardCharsets.UTF_8));

        assertThat(page.events()).singleElement().satisfies(e -> {
            assertThat(new String(e.json(), StandardCharsets.UTF_8)).isEqualTo(event);
            assertThat(e.type()).isEqualTo("t");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"bad escape \\x\"", "\"short \\u12\"", "\"tab\tinside\"", "01", "-", "1.", ".5", "+1", "1e", "1e+", "0x10",
        "tru", "nul", "True", "NaN", "[1,]", "[1 2]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "['a']", "[", "]"})
    void invalidJsonInAnEventIsAMalformedPage(String value) {
        String event = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\",\"x\":" + value + "}";
        assertThatThrownBy(() -> HaloJson.MAPPER.readTree(event)).isInstanceOf(IOException.class);

        assertThatThrownBy(() -> EventPageParser.parse(("{\"events\":[" + event + "]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"C3", "E282", "FF", "80", "BF", "F8808080", "C3A9", "E282AC", "F09F9982", "C0AF", "F5808080"})
    void bytesAboveAsciiInAStringPassOrFailAsJacksonReadsThem(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        byte[] head = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\",\"m\":\"x".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] event = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(bytes, 0, event, head.length, bytes.length);
        System.arraycopy(tail, 0, event, head.length + bytes.length, tail.length);
        boolean jacksonReadsIt;
        try {
            HaloJson.MAPPER.readTree(event);
            jacksonReadsIt = true;
        } catch (IOException e) {
            jacksonReadsIt = false;
        }
        byte[] page = ("{\"events\":[" + new String(event, StandardCharsets.ISO_8859_1) + "]}").getBytes(StandardCharsets.ISO_8859_1);

        if (jacksonReadsIt) {
            assertThat(EventPageParser.parse(page).events()).singleElement().satisfies(e -> assertThat(e.json()).isEqualTo(event));
        } else {
            assertThatThrownBy(() -> EventPageParser.parse(page))
                    .isInstanceOf(MalformedResponseException.class).hasMessageContaining("UTF-8");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"events\":[{\"id\":\"a\"", "{\"events\":[{\"id\":\"a\\", "{\"events\":[{\"id\":\"a\\u00",
        "{\"events\":[{\"id\":\"a\",\"n\":12", "{\"events\":[{\"id\":\"a\",\"n\":tr", "{\"events\":[", "{\"events\"", "{",
        "{\"events\":[{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\"}"})
    void aPageCutAnywhereIsAMalformedPage(String cut) {
        assertThatThrownBy(() -> EventPageParser.parse(cut.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON (truncated?)");
    }

    @Test
    void aPageStartingWithAByteOrderMarkIsReadAsJacksonReadsIt() throws Exception {
        byte[] body = ("\uFEFF{\"events\":[{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\"}]}").getBytes(StandardCharsets.UTF_8);
        assertThat(HaloJson.MAPPER.readTree(body).get("events")).hasSize(1);

        assertThat(EventPageParser.parse(body).events()).extracting(HaloEvent::id).containsExactly("a");
    }
}
