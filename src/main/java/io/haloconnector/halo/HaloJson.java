package io.haloconnector.halo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * The one Jackson setup of the connector. Floats are read as exact BigDecimals with their trailing
 * zeros, so numbers in events pass through unchanged (CVSS 9.0 stays 9.0, not 9).
 */
public final class HaloJson {

    /** Shared and thread-safe once configured: never reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private HaloJson() {
    }
}
