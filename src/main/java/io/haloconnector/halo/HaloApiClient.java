package io.haloconnector.halo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/** The JSON settings events are read with. */
public final class HaloApiClient {
    /** Parses floats as exact BigDecimals so numbers in events pass through unchanged (CVSS 9.0 stays 9.0). */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private HaloApiClient() {
    }
}
