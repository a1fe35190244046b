package io.haloconnector.halo;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class HaloJsonTest {

    @Test
    void numbersPassThroughAsWritten() throws IOException {
        String event = "{\"cvss\":9.0,\"score\":0.10,\"big\":12345678901234567890.123456789,\"count\":3}";
        JsonNode tree = HaloJson.MAPPER.readTree(event);

        assertThat(tree.get("cvss").isBigDecimal()).isTrue();
        assertThat(HaloJson.MAPPER.writeValueAsString(tree)).isEqualTo(event);
    }
}
