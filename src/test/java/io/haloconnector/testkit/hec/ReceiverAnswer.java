package io.haloconnector.testkit.hec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * What the receiver does with a request: an HTTP answer, a TCP reset ({@code status} 0), or no
 * answer at all ({@code status} -1). {@code code} is the HEC code carried in the body, or null for
 * non-HEC answers; {@code pace} how the answer goes out.
 */
record ReceiverAnswer(int status, Integer code, String contentType, byte[] body, Map<String, String> headers, Pace pace) {

    /**
     * How an answer goes out: whole, stalled after its head and {@code stallAfterBytes} bytes of its
     * body (-1: not stalled), and with {@code perByte} between bytes (zero: all at once).
     */
    record Pace(int stallAfterBytes, Duration perByte) {
        static final Pace WHOLE = new Pace(-1, Duration.ZERO);
    }

    static final ReceiverAnswer RESET = new ReceiverAnswer(0, null, "", new byte[0], Map.of(), Pace.WHOLE);
    static final ReceiverAnswer NONE = new ReceiverAnswer(-1, null, "", new byte[0], Map.of(), Pace.WHOLE);

    ReceiverAnswer(int status, Integer code, String contentType, byte[] body, Map<String, String> headers) {
        this(status, code, contentType, body, headers, Pace.WHOLE);
    }

    ReceiverAnswer paced(Pace paced) {
        return new ReceiverAnswer(status, code, contentType, body, headers, paced);
    }

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

    boolean isNone() {
        return status == -1;
    }
}
