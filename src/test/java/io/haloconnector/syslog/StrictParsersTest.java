package io.haloconnector.syslog;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test parsers accept what the CEF and LEEF specs allow, with its escapes, and reject what they do not. */
class StrictParsersTest {

    @Test
    void cefHeaderAndExtensionEscapesAreUnescaped() {
        StrictCefParser.Cef cef = StrictCefParser.parse(
                "CEF:0|Cloud\\|Passage|Halo\\\\X|1.0|sig|a name with = and spaces|7|msg=a\\=b c\\\\d\\nnext\\rline | pipe src=10.0.0.1 cs1=x cs1Label=Policy Name");
        assertThat(cef.vendor()).isEqualTo("Cloud|Passage");
        assertThat(cef.product()).isEqualTo("Halo\\X");
        assertThat(cef.name()).isEqualTo("a name with = and spaces");
        assertThat(cef.severity()).isEqualTo(7);
        assertThat(cef.extension()).containsExactly(Map.entry("msg", "a=b c\\d\nnext\rline | pipe"), Map.entry("src", "10.0.0.1"),
                Map.entry("cs1", "x"), Map.entry("cs1Label", "Policy Name"));
    }

    @Test
    void cefRejectsWhatTheSpecRejects() {
        // an unescaped pipe in the header shifts every field: the severity is no number
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|Cloud|Passage|Halo|1.0|sig|name|7|msg=x")).hasMessageContaining("severity");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|na\\me|3|msg=x")).hasMessageContaining("header");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|11|msg=x")).hasMessageContaining("severity");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a=b")).hasMessageContaining("unescaped =");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a b=c")).hasMessageContaining("not a CEF extension key");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a\nb")).hasMessageContaining("line break");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a\\tb")).hasMessageContaining("no escape");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a\\")).hasMessageContaining("lone backslash");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=a msg=b")).hasMessageContaining("twice");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name")).hasMessageContaining("7 fields");
        // longer than the dictionary's length, counted once unescaped: 1023 for msg, 100 for dvchost, 512 for the Name
        assertThat(StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=" + "\\=".repeat(1023)).extension().get("msg")).hasSize(1023);
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|msg=" + "a".repeat(1024))).hasMessageContaining("more than 1023");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|name|3|dvchost=" + "h".repeat(101))).hasMessageContaining("more than 100");
        assertThatThrownBy(() -> StrictCefParser.parse("CEF:0|V|P|1|sig|" + "n".repeat(513) + "|3|msg=x")).hasMessageContaining("more than 512");
    }

    @Test
    void leefAttributesSplitAtTheDeclaredDelimiter() {
        StrictLeefParser.Leef leef = StrictLeefParser.parse("LEEF:2.0|CloudPassage|Halo|1.0|sca_rule_failed|x09|"
                + "devTime=2026-09-01T10:00:00.123+0000\tdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ\tmsg=a=b | c");
        assertThat(leef.delimiter()).isEqualTo('\t');
        assertThat(leef.eventId()).isEqualTo("sca_rule_failed");
        assertThat(leef.attributes()).containsEntry("msg", "a=b | c").containsEntry("devTime", "2026-09-01T10:00:00.123+0000");
        assertThat(StrictLeefParser.parse("LEEF:2.0|V|P|1|e|^|a=1^b=2").attributes()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void leefRejectsWhatTheSpecRejects() {
        // five spaces are no delimiter LEEF 2.0 can declare (the vendor connector's separator)
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|     |a=1     b=2")).hasMessageContaining("delimiter");
        // a raw delimiter inside a value leaves an attribute without =
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09|msg=one\ttwo")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09|msg=one\ntwo")).hasMessageContaining("line break");
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09|a=1\ta=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09|devTime=2026-09-01")).hasMessageContaining("devTimeFormat");
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09|devTime=yesterday\tdevTimeFormat=yyyy-MM-dd"))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> StrictLeefParser.parse("LEEF:2.0|V|P|1|e|x09")).hasMessageContaining("6 fields");
    }
}
