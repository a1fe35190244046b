package io.haloconnector.testkit.hec;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the receiver does with a request: an HTTP answer, or a TCP reset ({@code status} 0).
 * {@code code} is the HEC code carried in the body, or null for non-HEC answers.
 */
record ReceiverAnswer(int status, Integer code, String contentType, byte[] body, Map<String, String> headers) {

    static final ReceiverAnswer RESET = new ReceiverAnswer(0, null, "", new byte[0], Map.of());

    static ReceiverAnswer hec(int status, int code, String text) {
        return json(status, code, "{\"text\":\"" + text + "\",\"code\":" + code + "}");
    }

    static ReceiverAnswer badEvent(int code, String text, int eventNumber) {
        return json(400, code, "{\"text\":\"" + text + "\",\"code\":" + code + ",\"invalid-event-number\":" + eventNumber + "}");
    }

    static ReceiverAnswer json(int status, Integer code, String json) {
        return new ReceiverAnswer(status, code, "application/json; charset=UTF-8", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static ReceiverAnswer plain(int status, String contentType, String body, Map<String, String> headers) {
        return new ReceiverAnswer(status, null, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    boolean isReset() {
        return status == 0;
    }
}
