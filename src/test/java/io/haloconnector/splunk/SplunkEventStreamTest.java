package io.haloconnector.splunk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventBatch;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code <event>} elements Splunk reads: markup in the JSON or the stanza name stays text, and the time is exact. */
class SplunkEventStreamTest {

    @Test
    void markupInTheEventOrTheStanzaIsEscapedAndTheJsonComesBackUnchanged() throws Exception {
        ObjectNode json = new ObjectMapper().createObjectNode()
                .put("id", "e1").put("created_at", "2025-11-24T16:00:00.123456Z")
                .put("message", "<script>alert('x')</script> & ]]> \"quoted\"");
        HaloEvent event = HaloEvent.of(json);
        String xml = "<stream>" + SplunkEventStream.events(new EventBatch(List.of(event)), "cloudpassage_halo://a\"&<b", "cp_halo") + "</stream>";

        Element parsed = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement().getElementsByTagName("event").item(0);
        assertThat(parsed.getAttribute("stanza")).isEqualTo("cloudpassage_halo://a\"&<b");
        assertThat(parsed.getElementsByTagName("time").item(0).getTextContent()).isEqualTo("1764000000.123");
        assertThat(parsed.getElementsByTagName("sourcetype").item(0).getTextContent()).isEqualTo("cp_halo");
        assertThat(parsed.getElementsByTagName("data").item(0).getTextContent().getBytes(StandardCharsets.UTF_8)).isEqualTo(event.json());
    }

    @Test
    void theTimeIsEpochSecondsWithThreeDecimals() {
        assertThat(SplunkEventStream.epochSeconds(Instant.parse("2025-11-24T16:00:00Z"))).isEqualTo("1764000000.000");
        assertThat(SplunkEventStream.epochSeconds(Instant.parse("2025-11-24T16:00:00.007Z"))).isEqualTo("1764000000.007");
    }
}
