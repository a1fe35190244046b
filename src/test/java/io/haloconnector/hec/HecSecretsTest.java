package io.haloconnector.hec;

import io.haloconnector.LogCapture;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventBatch;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    void theOutputRouteReturnsThePageAsItCameWithoutTheTokenOnTheExchange() throws Exception {
        try (HecFixture hec = HecFixture.start(HecReceiverConfig.builder().ackEnabled(true), stateDir)) {
            HecDelivery sink = hec.sink("hec.ack", "true", "hec.batch.events", "4");
            List<HaloEvent> page = SampleEvents.events(0, 10);

            Exchange delivered = hec.deliver(sink, page, Map.of("haloEventCount", 10, "haloCursor", "2026-09-01T10:00:00Z"));

            assertThat(hec.receivedIds()).hasSize(10);
            // a step after the output (a user's log or wireTap) sees the page, not HEC's requests and answers
            assertThat(delivered.getMessage().getBody()).isInstanceOf(EventBatch.class).isEqualTo(page);
            assertThat(delivered.getMessage().getHeaders()).containsOnlyKeys("haloEventCount", "haloCursor");
            assertThat(delivered.getProperties().values()).noneMatch(value -> String.valueOf(value).contains(HecFixture.TOKEN));
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
