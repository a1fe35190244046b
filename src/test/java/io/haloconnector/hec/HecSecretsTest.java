package io.haloconnector.hec;

import io.haloconnector.LogCapture;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The token only ever travels in the Authorization header: never in a URL, a log line, an exception or toString(). */
class HecSecretsTest {

    @TempDir
    Path stateDir;

    @Test
    void theTokenNeverAppearsInLogsWhateverGoesWrong() throws Exception {
        try (LogCapture logs = new LogCapture(); HecFixture hec = HecFixture.start(HecReceiverConfig.builder().ackEnabled(true), stateDir)) {
            HecDelivery sink = hec.sink("hec.ack", "true", "hec.batch.events", "5");
            hec.receiver.faults().busy(2).reset(1).badGateway(1);
            hec.receiver.faults().refuseEvents(event -> event.path("id").asText().equals(SampleEvents.id(3)), 6);
            hec.receiver.faults().setToken("rotated");
            CompletableFuture<Void> delivery = hec.deliverAsync(sink, SampleEvents.events(0, 12));
            await().atMost(Duration.ofSeconds(5)).until(() -> hec.receiver.stats().answers(4) >= 1);
            hec.receiver.faults().setToken(HecFixture.TOKEN);
            delivery.get();

            HecDelivery closed = hec.sink();
            closed.close();
            assertThatThrownBy(() -> hec.deliver(closed, SampleEvents.events(20, 1))).hasMessageNotContaining(HecFixture.TOKEN);

            assertThat(hec.receiver.received()).hasSize(11);
            assertThat(hec.receiver.stats().answers(16)).as("never sent in a query string").isZero();
            assertThat(logs.everything()).isNotEmpty().noneMatch(line -> line.contains(HecFixture.TOKEN));
            assertThat(sink.toString()).doesNotContain(HecFixture.TOKEN);
            assertThat(hec.settings().toString()).doesNotContain(HecFixture.TOKEN).contains("token=****");
        }
    }

    @Test
    void aUrlCarryingTheTokenIsRefusedWithoutEchoingIt() {
        Map<String, String> props = Map.of("hec.url", "https://splunk:8088/services/collector?token=" + HecFixture.TOKEN,
                "hec.token", HecFixture.TOKEN);
        assertThatThrownBy(() -> HecSettings.from(HecFixture.lookup(props)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("hec.url is not valid: it must not carry a query string")
                .hasMessageNotContaining(HecFixture.TOKEN);
    }
}
