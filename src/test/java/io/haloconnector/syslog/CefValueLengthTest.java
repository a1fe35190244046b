package io.haloconnector.syslog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.observe.ConnectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CEF values cut at the length ArcSight's Extension Dictionary gives their key: whole up to it, cut
 * one over with the mark inside the length, never half a surrogate pair or half an escape, each cut
 * counted by key; every message read back by the strict parser, which refuses a value too long.
 */
class CefValueLengthTest {
    private static final Instant CREATED = Instant.parse("2026-09-01T10:00:00.123456Z");
    private final List<String> cuts = new ArrayList<>();
    private final CefFormat cef = new CefFormat(cuts::add);

    private StrictCefParser.Cef sent(ObjectNode event) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(HaloEvent.of(event));
        cef.process(exchange);
        return StrictCefParser.parse(exchange.getIn().getBody(String.class));
    }

    private static ObjectNode eventWith(String field, String value) {
        ObjectNode event = HostileEvents.event("e1", CREATED);
        event.put(field, value);
        return event;
    }

    @Test
    void eachKeyHasTheDictionarysLength() {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        Arrays.stream(SiemFields.values()).filter(field -> field.cefLength() > 0).forEach(field -> lengths.put(field.cef(), field.cefLength()));

        assertThat(lengths).containsExactlyInAnyOrderEntriesOf(Map.of("externalId", 40, "cat", 1023, "duser", 1023, "dvchost", 100,
                "dhost", 1023, "cs1", 4000, "cs2", 4000, "cs3", 4000, "cs4", 4000, "msg", 1023));
        // the addresses have no length: anything but an IPv4 address is left out
        assertThat(Arrays.stream(SiemFields.values()).filter(field -> field.cefLength() == 0).map(SiemFields::cef)).containsExactly("dst", "src");
        assertThat(lengths).allSatisfy((key, length) -> assertThat(length).isEqualTo(StrictCefParser.LENGTHS.get(key)));
        assertThat(SiemFields.CEF_NAME_LENGTH).isEqualTo(StrictCefParser.NAME_LENGTH);
        Arrays.stream(SiemFields.values()).filter(field -> field.cefLabel() != null)
                .forEach(field -> assertThat(field.cefLabel().length()).isLessThanOrEqualTo(SiemFields.CEF_LABEL_LENGTH));
    }

    @Test
    void aValueExactlyAtItsLengthIsSentWhole() throws Exception {
        String value = "m".repeat(1023);

        assertThat(sent(eventWith("message", value)).extension().get("msg")).isEqualTo(value);
        assertThat(cuts).isEmpty();
    }

    @Test
    void oneCharacterOverIsCutToTheLengthEndingWithTheMark() throws Exception {
        String value = "m".repeat(1022) + "xy";

        String msg = sent(eventWith("message", value)).extension().get("msg");

        assertThat(msg).hasSize(1023).isEqualTo("m".repeat(1022) + CefFormat.CUT_MARK);
        assertThat(cuts).containsExactly("msg");
    }

    @Test
    void aSurrogatePairOnTheEdgeIsDroppedWholeNeverHalved() throws Exception {
        // the emoji's high surrogate would be the 1023rd char kept: the pair goes, the value is one shorter
        String split = "m".repeat(1021) + "😀" + "tail";
        String msg = sent(eventWith("message", split)).extension().get("msg");
        assertThat(msg).isEqualTo("m".repeat(1021) + CefFormat.CUT_MARK).hasSize(1022);

        // a pair that ends right before the mark stays
        String whole = "m".repeat(1020) + "😀" + "tail";
        String kept = sent(eventWith("message", whole)).extension().get("msg");
        assertThat(kept).isEqualTo("m".repeat(1020) + "😀" + CefFormat.CUT_MARK).hasSize(1023);
        assertThat(kept.codePoints().filter(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE).count())
                .as("lone surrogates").isZero();
    }

    @Test
    void anEscapeOnTheEdgeStaysWholeAndCountsAsOneCharacter() throws Exception {
        // '=' (sent as \=) is the last character kept, then the mark: the escape is whole
        StrictCefParser.Cef equalsKept = sent(eventWith("message", "m".repeat(1021) + "=\\\n"));
        assertThat(equalsKept.extension().get("msg")).isEqualTo("m".repeat(1021) + "=" + CefFormat.CUT_MARK);

        // a backslash, line feed or '=' just past the edge is dropped with the rest: no lone backslash is sent
        for (String past : List.of("\\", "\n", "=", "\r")) {
            StrictCefParser.Cef dropped = sent(eventWith("message", "m".repeat(1022) + past + "more"));
            assertThat(dropped.extension().get("msg")).isEqualTo("m".repeat(1022) + CefFormat.CUT_MARK);
        }
        // escapes make the wire text longer, not the value: 1023 escaped characters are whole
        String escapes = "=\\\n\r".repeat(255) + "===";
        assertThat(sent(eventWith("message", escapes)).extension().get("msg")).isEqualTo(escapes);
    }

    @Test
    void aSeventyKilobyteValueIsCutInEveryKeyAndCountedByKey() throws Exception {
        String huge = HostileEvents.HOSTILE + "v=|\\\n".repeat(70 * 1024 / 5);
        // the message 70 KB, every other value twice its longest length (one event stays under halo.event.maxBytes)
        String big = huge.substring(0, 8000);
        ObjectNode event = HostileEvents.event("e1", CREATED);
        event.put("message", huge);
        for (String field : List.of("actor_username", "server_reported_fqdn", "server_hostname", "policy_name",
                "rule_name", "object_name", "server_group_name", "type", "name")) {
            event.put(field, big);
        }
        event.put("id", "i".repeat(41));

        StrictCefParser.Cef message = sent(event);

        for (SiemFields field : SiemFields.values()) {
            String value = message.extension().get(field.cef());
            if (field.cefLength() == 0) {
                continue;
            }
            assertThat(value).as(field.cef()).hasSize(field.cefLength()).endsWith(CefFormat.CUT_MARK);
            String original = field == SiemFields.ID ? "i".repeat(41) : field == SiemFields.MESSAGE ? huge : big;
            assertThat(original).as(field.cef()).startsWith(value.substring(0, value.length() - 1));
        }
        assertThat(message.name()).hasSize(512).endsWith(CefFormat.CUT_MARK);
        assertThat(cuts).containsExactlyInAnyOrder("externalId", "cat", "duser", "dvchost", "dhost", "cs1", "cs2", "cs3", "cs4",
                "msg", "name");
    }

    @Test
    void theConnectorsMetricCountsEachCutByKey() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CefFormat counted = new CefFormat(ConnectorMetrics.cefValueCut(registry));
        for (String id : List.of("a", "b")) {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getIn().setBody(HaloEvent.of(eventWith("message", id.repeat(2000))));
            counted.process(exchange);
        }

        assertThat(registry.get("syslog.cef.values.truncated").tag("key", "msg").counter().count()).isEqualTo(2);
        assertThat(registry.find("syslog.cef.values.truncated").tag("key", "cs1").counter()).isNull();
    }
}
