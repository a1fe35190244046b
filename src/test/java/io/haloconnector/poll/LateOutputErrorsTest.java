package io.haloconnector.poll;

import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

class LateOutputErrorsTest {
    @Test
    void aLateErrorOfTheOutputIsOneInfoLineWithoutWarnOrStackTrace() {
        try (LogCapture logs = new LogCapture(Level.INFO)) {
            new LateOutputErrors().handleException("Error processing exchange", null, new SocketException("Connection reset"));
            assertThat(logs.lines(Level.INFO)).singleElement().asString()
                    .startsWith("The output reported an error after its page was settled: ").contains("Connection reset");
            assertThat(logs.lines(Level.WARN)).isEmpty();
            assertThat(logs.printedLines()).noneMatch(line -> line.contains("at java.base"));
        }
    }
}
