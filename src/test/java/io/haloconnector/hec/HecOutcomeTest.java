package io.haloconnector.hec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every answer in Splunk's HEC status code table maps to the handling that code calls for. */
class HecOutcomeTest {

    @ParameterizedTest
    @CsvSource({
        "200, 0, ACCEPTED", "403, 1, CONFIGURATION", "401, 2, CONFIGURATION", "401, 3, CONFIGURATION", "403, 4, CONFIGURATION",
        "400, 5, BUG", "400, 6, BAD_EVENT", "400, 7, CONFIGURATION", "500, 8, TRANSIENT", "503, 9, TRANSIENT",
        "400, 10, CONFIGURATION", "400, 11, CONFIGURATION", "400, 12, BAD_EVENT", "400, 13, BAD_EVENT", "400, 14, CONFIGURATION",
        "400, 15, BAD_EVENT", "400, 16, CONFIGURATION", "503, 18, TRANSIENT"})
    void hecCodes(int status, int code, HecOutcome expected) {
        String body = "{\"text\":\"t\",\"code\":" + code + "}";
        assertThat(HecOutcome.of(HecAnswer.of(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty()))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"429, TRANSIENT", "502, TRANSIENT", "504, TRANSIENT", "413, TOO_LARGE", "404, CONFIGURATION", "200, ACCEPTED"})
    void answersWithoutAHecCode(int status, HecOutcome expected) {
        assertThat(HecOutcome.of(HecAnswer.of(status, "<html>proxy</html>".getBytes(StandardCharsets.UTF_8), Optional.empty())))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"5 | 5000", "Wed, 21 Oct 2015 07:28:00 GMT | 0"})
    void readsRetryAfterInSecondsOrAsADate(String header, long expectedMillis) {
        assertThat(HecAnswer.of(429, new byte[0], Optional.of(header)).retryAfter().toMillis()).isEqualTo(expectedMillis);
    }

    @org.junit.jupiter.api.Test
    void noAnswerIsTransient() {
        assertThat(HecOutcome.of(HecAnswer.failed(new ConnectException("refused")))).isEqualTo(HecOutcome.TRANSIENT);
    }
}
