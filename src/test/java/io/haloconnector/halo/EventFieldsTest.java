package io.haloconnector.halo;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventFieldsTest {

    private static final EventFields.Reader READER = EventFields.reader(
            List.of("name", "message", "critical", "cvss", "nested", "gone", "server_hostname", "flag", "count"));

    private static EventFields read(String fields) {
        String event = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\"," + fields + "}";
        return READER.read(EventPageParser.event(event.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void stringsAreDecodedAndOtherValuesKeptAsTheEventWritesThem() {
        EventFields fields = read("\"message\":\"quote \\\" tab \\t \\u00fc ü {\\\"x\\\":1}\",\"cvss\":9.0,"
                + "\"nested\":{\"name\":\"inner\",\"a\":[1,2]},\"gone\":null,\"critical\":true,\"name\":\"\"");

        assertThat(fields.text("message")).isEqualTo("quote \" tab \t ü ü {\"x\":1}");
        assertThat(fields.isString("message")).isTrue();
        assertThat(fields.text("cvss")).isEqualTo("9.0");
        assertThat(fields.isString("cvss")).isFalse();
        assertThat(fields.text("nested")).isEqualTo("{\"name\":\"inner\",\"a\":[1,2]}");
        assertThat(fields.text("name")).as("the top level's name, not the nested one").isEmpty();
        assertThat(fields.text("gone")).isNull();
        assertThat(fields.text("server_hostname")).as("absent").isNull();
        assertThat(fields.isString("server_hostname")).isFalse();
        assertThat(fields.text("unasked")).isNull();
    }

    @Test
    void aFlagIsTrueAsJacksonReadsIt() {
        assertThat(read("\"critical\":true").isTrue("critical")).isTrue();
        assertThat(read("\"critical\":\" true \"").isTrue("critical")).isTrue();
        assertThat(read("\"critical\":1").isTrue("critical")).isTrue();
        assertThat(read("\"critical\":-20").isTrue("critical")).isTrue();
        assertThat(read("\"critical\":false").isTrue("critical")).isFalse();
        assertThat(read("\"critical\":0").isTrue("critical")).isFalse();
        assertThat(read("\"critical\":\"yes\"").isTrue("critical")).isFalse();
        assertThat(read("\"critical\":null").isTrue("critical")).isFalse();
        assertThat(read("\"other\":true").isTrue("critical")).isFalse();
    }

    @Test
    void aFieldNameWithEscapesIsStillItsName() {
        assertThat(read("\"n\\u0061me\":\"escaped\"").text("name")).isEqualTo("escaped");
    }
}
