package io.haloconnector.syslog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Each format, checked by the strict parsers, on an event full of hostile values; and the RFC 5424 header. */
class SyslogFormatsTest {
    private static final Instant CREATED = Instant.parse("2026-09-01T10:00:00.123456Z");
    private final DefaultCamelContext context = new DefaultCamelContext();

    private Exchange format(SyslogPayloadFormat format, ObjectNode event) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(HaloEvent.of(event));
        format.process(exchange);
        return exchange;
    }

    @Test
    void cefCarriesEveryMappedValueExactlyThroughItsEscapes() throws Exception {
        ObjectNode event = HostileEvents.event("e1", CREATED);
        StrictCefParser.Cef cef = StrictCefParser.parse(format(new CefFormat(), event).getIn().getBody(String.class));
        assertThat(cef.vendor()).isEqualTo("CloudPassage");
        assertThat(cef.product()).isEqualTo("Halo");
        assertThat(cef.signatureId()).isEqualTo("sca_rule_failed");
        // CEF has no escape for a line break in the header: it becomes a space
        assertThat(cef.name()).isEqualTo("Rule | with \\ pipe and newline");
        assertThat(cef.severity()).isEqualTo(8);
        assertThat(cef.extension())
                .containsEntry("rt", String.valueOf(CREATED.toEpochMilli()))
                .containsEntry("externalId", "e1")
                .containsEntry("cat", "sca_rule_failed")
                // msg holds 1023 characters (ArcSight's dictionary): the 10 KB message is cut there, the mark last
                .containsEntry("msg", (HostileEvents.HOSTILE + HostileEvents.TEN_KB).substring(0, 1022) + CefFormat.CUT_MARK)
                .containsEntry("dst", "10.1.2.3")
                .containsEntry("duser", "DOMAIN\\jürgen=admin")
                .containsEntry("dvchost", "web-1.example.com")
                .containsEntry("dhost", "web-1")
                .containsEntry("cs1", "CIS = Level|1\tstrict").containsEntry("cs1Label", "Policy Name")
                .containsEntry("cs2", "key=value\\n is literal").containsEntry("cs2Label", "Rule Name")
                .containsEntry("cs4", "Prod\n\"Group\"").containsEntry("cs4Label", "Server Group")
                // not an IPv4 address: left out rather than refused by the SIEM
                .doesNotContainKey("src");
    }

    @Test
    void leefDeclaresItsDelimiterAndTimeFormat() throws Exception {
        ObjectNode event = HostileEvents.event("e2", CREATED);
        StrictLeefParser.Leef leef = StrictLeefParser.parse(format(new LeefFormat(), event).getIn().getBody(String.class));
        assertThat(leef.delimiter()).isEqualTo('\t');
        assertThat(leef.eventId()).isEqualTo("sca_rule_failed");
        assertThat(StrictLeefParser.devTime(leef.attributes().get("devTime"), leef.attributes().get("devTimeFormat")).toInstant())
                .isEqualTo(Instant.parse("2026-09-01T10:00:00.123Z"));
        assertThat(leef.attributes()).containsEntry("sev", "8").containsEntry("externalId", "e2")
                .containsEntry("usrName", "DOMAIN\\\\jürgen=admin")
                .containsEntry("policy_name", "CIS = Level|1\\tstrict")
                .containsEntry("server_group_name", "Prod\\n\"Group\"")
                .containsEntry("identHostName", "web-1.example.com");
        assertThat(LeefValues.unescape(leef.attributes().get("msg"))).isEqualTo(HostileEvents.HOSTILE + HostileEvents.TEN_KB);
    }

    @Test
    void leefHeaderTimestampHasMillisecondsAsIbmsGuideAsksCefAndJsonKeepMicroseconds() throws Exception {
        Exchange leef = format(new LeefFormat(), HostileEvents.event("e5", CREATED));
        new Rfc5424Message(16, "collector-1", "halo-connector").process(leef);
        assertThat(new String(leef.getIn().getBody(byte[].class), StandardCharsets.UTF_8))
                .startsWith("<131>1 2026-09-01T10:00:00.123Z collector-1 halo-connector - sca_rule_failed - LEEF:2.0|");

        // .999999 is cut to .999, never rounded into the next second
        Exchange late = format(new LeefFormat(), HostileEvents.event("e6", Instant.parse("2026-09-01T10:00:59.999999Z")));
        new Rfc5424Message(16, "collector-1", "halo-connector").process(late);
        assertThat(new String(late.getIn().getBody(byte[].class), StandardCharsets.UTF_8)).contains(" 2026-09-01T10:00:59.999Z ");

        Exchange json = format(new JsonFormat(), HostileEvents.event("e7", CREATED));
        new Rfc5424Message(16, "collector-1", "halo-connector").process(json);
        assertThat(new String(json.getIn().getBody(byte[].class), StandardCharsets.UTF_8)).contains(" 2026-09-01T10:00:00.123456Z ");
    }

    @Test
    void jsonIsTheEventUnchanged() throws Exception {
        ObjectNode event = HostileEvents.event("e3", CREATED);
        assertThat(format(new JsonFormat(), event).getIn().getBody(String.class).getBytes(StandardCharsets.UTF_8))
                .isEqualTo(HaloEvent.of(event).json());
    }

    @Test
    void rfc5424HeaderCarriesFacilitySeverityTimeHostAppAndType() throws Exception {
        Exchange exchange = format(new CefFormat(), HostileEvents.event("e4", CREATED));
        new Rfc5424Message(16, "collector-1", "halo-connector").process(exchange);
        String message = new String(exchange.getIn().getBody(byte[].class), StandardCharsets.UTF_8);
        // local0 (16) * 8 + error (3: CEF severity 8)
        assertThat(message).startsWith("<131>1 2026-09-01T10:00:00.123456Z collector-1 halo-connector - sca_rule_failed - CEF:0|");
    }

    @Test
    void severityFollowsTypeAndCritical() {
        assertThat(SiemFields.severity("issue_resolved", false)).isEqualTo(1);
        assertThat(SiemFields.severity("sca_rule_failed", false)).isEqualTo(5);
        assertThat(SiemFields.severity("sca_rule_failed", true)).isEqualTo(8);
        assertThat(SiemFields.severity("daemon_compromised", true)).isEqualTo(10);
        assertThat(SiemFields.severity("a_type_halo_adds_later", false)).isEqualTo(3);
        assertThat(SiemFields.signatureId("bad|type")).isEqualTo("unknown");
        assertThat(SiemFields.syslogSeverity(10)).isEqualTo(2);
        assertThat(SiemFields.syslogSeverity(1)).isEqualTo(6);
    }

    @Test
    void docsShowTheMappingTableOfTheCode() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/siem-formats.md"));
        String table = section(doc, "## Field mapping");
        java.util.List<String> rows = table.lines().filter(line -> line.startsWith("| `") && !line.startsWith("| `created_at`")).toList();
        assertThat(rows).hasSize(SiemFields.values().length);
        for (int i = 0; i < rows.size(); i++) {
            SiemFields field = SiemFields.values()[i];
            String[] cells = rows.get(i).split("\\|");
            assertThat(cells[1].trim()).isEqualTo("`" + field.halo() + "`");
            assertThat(cells[2].trim()).startsWith("`" + field.cef() + "`")
                    .contains(field.cefLabel() == null ? "" : "`" + field.cef() + "Label=" + field.cefLabel() + "`");
            assertThat(cells[3].trim()).isEqualTo("`" + field.leef() + "`");
        }
    }

    @Test
    void docsGiveTheCefLengthOfEveryKeyTheCodeCuts() throws Exception {
        String table = section(java.nio.file.Files.readString(java.nio.file.Path.of("docs/siem-formats.md")), "## CEF lengths");
        java.util.Map<String, String> rows = new java.util.HashMap<>();
        table.lines().filter(line -> line.startsWith("| ")).map(line -> line.split("\\|"))
                .forEach(cells -> rows.put(cells[1].trim(), cells[2].trim()));
        for (SiemFields field : SiemFields.values()) {
            String row = field.cef().startsWith("cs") ? "`cs1` to `cs4`" : field.cef().matches("src|dst") ? "`src`, `dst`" : "`" + field.cef() + "`";
            assertThat(rows).as(field.cef()).containsKey(row);
            assertThat(rows.get(row)).as(field.cef()).startsWith(field.cefLength() == 0 ? "none" : String.valueOf(field.cefLength()));
        }
        assertThat(rows.get("Name (header)")).isEqualTo(String.valueOf(SiemFields.CEF_NAME_LENGTH));
        assertThat(rows.get("`cs1Label` to `cs4Label`")).isEqualTo(String.valueOf(SiemFields.CEF_LABEL_LENGTH));
    }

    /** The text of a docs section, from its heading to the next. */
    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        int end = doc.indexOf("\n## ", start + heading.length());
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    @Test
    void aPageIsOneBufferOfOctetCountedFrames() {
        OctetCountedPage framing = new OctetCountedPage();
        Exchange page = null;
        for (String message : new String[] {"<134>1 - - - - - - first", "<134>1 - - - - - - zweite Nachricht: Jürgen"}) {
            Exchange one = new DefaultExchange(context);
            one.getIn().setBody(message.getBytes(StandardCharsets.UTF_8));
            page = framing.aggregate(page, one);
        }
        framing.onCompletion(page);
        // the length counts bytes: ü is two
        assertThat(new String(page.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
                .isEqualTo("24 <134>1 - - - - - - first44 <134>1 - - - - - - zweite Nachricht: Jürgen");
    }
}
