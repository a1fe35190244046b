package io.haloconnector.hec;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.http.RequestAbortedException;
import io.haloconnector.retry.RetryAfter;

import java.time.Duration;
import java.util.Optional;

/**
 * What HEC answered to one request: the HTTP status and, when the body is HEC JSON, its code,
 * text, invalid-event-number and ackId; or the failure when no answer came (status 0).
 */
record HecAnswer(int status, Integer code, String text, Integer invalidEventNumber, Long ackId, Duration retryAfter,
                 JsonNode json, Exception failure) {

    static HecAnswer failed(Exception failure) {
        return new HecAnswer(0, null, null, null, null, null, null, failure);
    }

    static HecAnswer of(int status, byte[] body, Optional<String> retryAfter) {
        JsonNode json = null;
        try {
            JsonNode parsed = HaloJson.MAPPER.readTree(body);
            json = parsed != null && parsed.isObject() ? parsed : null;
        } catch (Exception e) {
            // not HEC JSON: a proxy's HTML page, a plain 429
        }
        Integer code = json != null && json.path("code").canConvertToInt() && json.path("code").isNumber()
                ? json.get("code").asInt() : null;
        String text = json != null && json.path("text").isTextual() ? json.get("text").asText() : null;
        Integer invalid = json != null && json.path("invalid-event-number").isIntegralNumber()
                ? json.get("invalid-event-number").asInt() : null;
        Long ackId = json != null && json.path("ackId").isIntegralNumber() ? json.get("ackId").asLong() : null;
        return new HecAnswer(status, code, text, invalid, ackId, retryAfter.map(RetryAfter::parse).orElse(null), json, null);
    }

    boolean answered() {
        return failure == null;
    }

    /** For log lines: {@code 503 (code 9, Server is busy)} or {@code no answer (ConnectException: ...)}. */
    String describe() {
        if (failure instanceof RequestAbortedException) {
            return failure.getMessage(); // which limit cut it off, or that the connector is stopping
        }
        if (failure != null) {
            return "no answer (" + failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
        }
        if (code == null) {
            return "HTTP " + status + " (no HEC code)";
        }
        return "HTTP " + status + " (code " + code + (text == null ? "" : ", " + text) + ")";
    }
}
