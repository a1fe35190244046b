package io.haloconnector.hec;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.EventPageParser;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope is assembled from bytes: it must still be valid JSON with the event byte for byte. */
class HecEnvelopeEncoderTest {

    private static HecSettings settings(String index) {
        Map<String, String> props = Map.of("hec.url", "http://127.0.0.1:8088", "hec.token", "t",
                "halo.api.url", "https://api.cloudpassage.com", "hec.index", index,
                "hec.source", "halo \"events\"", "hec.host", "héllo\\host");
        return HecSettings.from(name -> Optional.ofNullable(props.get(name)).filter(v -> !v.isBlank()));
    }

    private static HaloEvent event(String json) {
        String page = "{\"count\":1,\"events\":[" + json + "]}";
        return EventPageParser.parse(page.getBytes(StandardCharsets.UTF_8)).events().get(0);
    }

    @Test
    void theEventIsCopiedByteForByteIntoValidJsonWithEscapedSettings() throws Exception {
        String json = "{\"id\":\"a1\",\"type\":\"fim \\\"signature\\\" changed\",\"created_at\":\"2018-01-17T21:02:36.770Z\","
                + "\"cves\":[{\"CVSS\":9.0},{\"CVSS\":1E+2}],\"message\":\"ü – 🙂 \\u0000\",\"actor\":null}";
        byte[] envelope = new HecEnvelopeEncoder(settings("cloudpassage")).encode(event(json));
        String text = new String(envelope, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"time\":1516222956.770,").contains(",\"event\":" + json + ",\"fields\":");
        JsonNode parsed = HaloJson.MAPPER.readTree(envelope);
        assertThat(parsed.get("host").asText()).isEqualTo("héllo\\host");
        assertThat(parsed.get("source").asText()).isEqualTo("halo \"events\"");
        assertThat(parsed.get("sourcetype").asText()).isEqualTo("cp_halo");
        assertThat(parsed.get("index").asText()).isEqualTo("cloudpassage");
        assertThat(parsed.get("fields").get("halo_event_type").asText()).isEqualTo("fim \"signature\" changed");
        assertThat(parsed.get("event").get("message").asText()).isEqualTo("ü – 🙂 \u0000");
    }

    @Test
    void withoutAnIndexTheFieldIsLeftOutAndMicrosecondsAreKept() throws Exception {
        byte[] envelope = new HecEnvelopeEncoder(settings("")).encode(
                event("{\"id\":\"b\",\"created_at\":\"2014-06-01T10:00:00.123456Z\"}"));
        JsonNode parsed = HaloJson.MAPPER.readTree(envelope);
        assertThat(parsed.has("index")).isFalse();
        assertThat(parsed.get("time").decimalValue().toPlainString()).isEqualTo("1401616800.123456");
        assertThat(parsed.get("fields").get("halo_event_type").asText()).isEmpty();
    }

    @Test
    void theTimeIsTheExactDecimalOfCreatedAtWithThreeSixOrNineDecimals() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long seconds = random.nextLong(-3_000_000_000L, 5_000_000_000L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            BigDecimal exact = BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9));
            String text = new String(HecEnvelopeEncoder.epochSeconds(instant), StandardCharsets.US_ASCII);

            assertThat(new BigDecimal(text)).as(instant.toString()).isEqualByComparingTo(exact);
            int scale = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            assertThat(text).as(instant.toString()).matches("-?[0-9]+\\.[0-9]{" + scale + "}");
        }
    }
}
