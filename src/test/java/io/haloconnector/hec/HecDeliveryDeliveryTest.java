package io.haloconnector.hec;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.haloconnector.hec.HecFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

/** What arrives at HEC when all goes well: whole batches, exact envelopes, sized by count and bytes, gzipped. */
class HecDeliveryDeliveryTest {

    @TempDir
    Path stateDir;
    private HecFixture hec;

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
    }

    @Test
    void aPageArrivesWholeAsOneGzippedBatchOfExactEnvelopes() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().allowedIndexes(Set.of("cloudpassage")), stateDir);
        HecDelivery sink = hec.sink("hec.index", "cloudpassage", "halo.api.url", "https://api.halo.example:443/",
                "hec.gzip", "true");
        List<HaloEvent> page = SampleEvents.events(0, 20);

        hec.deliver(sink, page);

        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
        assertThat(hec.receiver.acceptedRequests()).hasSize(1);
        HecReceiver.AcceptedRequest request = hec.receiver.acceptedRequests().get(0);
        assertThat(request.events()).isEqualTo(20);
        assertThat(request.gzip()).isTrue();
        assertThat(request.bodyBytes()).as("really compressed").isLessThan(request.decodedBytes() / 2);

        JsonNode first = hec.receiver.received().get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("time", "host", "source", "sourcetype", "index", "event", "fields");
        assertThat(first.get("time").decimalValue().toPlainString()).isEqualTo("1516222956.771");
        assertThat(first.get("host").asText()).isEqualTo("api.halo.example");
        assertThat(first.get("source").asText()).isEqualTo("halo:events");
        assertThat(first.get("sourcetype").asText()).isEqualTo("cp_halo");
        assertThat(first.get("index").asText()).isEqualTo("cloudpassage");
        assertThat(first.get("event")).isEqualTo(page.get(0).tree());
        assertThat(first.get("fields").toString()).isEqualTo("{\"halo_event_type\":\"issue_resolved\"}");
        assertThat(hec.receiver.received().get(1).get("time").decimalValue().toPlainString()).isEqualTo("1516222957.772");
    }

    @Test
    void timeKeepsMillisecondsExactlyAndOldMicroseconds() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink();
        hec.deliver(sink, List.of(SampleEvents.event(1, Instant.parse("2026-09-01T10:00:00.700Z"), ""),
                SampleEvents.event(2, Instant.parse("2026-09-01T10:00:00Z"), ""),
                SampleEvents.event(3, Instant.parse("2014-03-01T10:00:00.123456Z"), "")));

        assertThat(hec.receiver.received()).extracting(e -> e.get("time").decimalValue().toPlainString())
                .containsExactly("1788256800.700", "1788256800.000", "1393668000.123456");
    }

    @Test
    void withoutIndexTheEnvelopeLeavesItToTheToken() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.sourcetype", "cp:halo:event", "hec.source", "halo", "hec.host", "halo-prod");
        hec.deliver(sink, SampleEvents.events(0, 1));

        JsonNode envelope = hec.receiver.received().get(0);
        assertThat(envelope.has("index")).isFalse();
        assertThat(envelope.get("sourcetype").asText()).isEqualTo("cp:halo:event");
        assertThat(envelope.get("source").asText()).isEqualTo("halo");
        assertThat(envelope.get("host").asText()).isEqualTo("halo-prod");
    }

    @Test
    void batchesByEventCount() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.events", "10");
        List<HaloEvent> page = SampleEvents.events(0, 35);

        hec.deliver(sink, page);

        assertThat(hec.receiver.acceptedRequests()).extracting(HecReceiver.AcceptedRequest::events).containsExactly(10, 10, 10, 5);
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
    }

    @Test
    void batchesByUncompressedBytes() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.batch.bytes", "5000");
        List<HaloEvent> page = new ArrayList<>();
        for (int n = 0; n < 23; n++) {
            page.add(SampleEvents.event(n, SampleEvents.FIRST, "x".repeat(700)));
        }

        hec.deliver(sink, page);

        List<HecReceiver.AcceptedRequest> requests = hec.receiver.acceptedRequests();
        assertThat(requests).allSatisfy(r -> assertThat(r.decodedBytes()).isLessThanOrEqualTo(5000));
        // envelopes are ~1.1 kB: 4 fit under 5000 bytes, a 5th would not
        assertThat(requests).extracting(HecReceiver.AcceptedRequest::events).containsExactly(4, 4, 4, 4, 4, 3);
        assertThat(requests.stream().mapToInt(HecReceiver.AcceptedRequest::events).sum()).isEqualTo(23);
        assertThat(hec.receivedIds()).containsExactlyElementsOf(ids(page));
    }

    @Test
    void sendsPlainJsonWhenGzipIsOff() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink("hec.gzip", "false");
        hec.deliver(sink, SampleEvents.events(0, 5));

        assertThat(hec.receiver.stats().gzipRequests()).isZero();
        HecReceiver.AcceptedRequest request = hec.receiver.acceptedRequests().get(0);
        assertThat(request.bodyBytes()).isEqualTo(request.decodedBytes());
        assertThat(hec.receiver.received()).hasSize(5);
    }

    @Test
    void aPageWithoutEventsSendsNothing() throws Exception {
        hec = HecFixture.start(stateDir);
        HecDelivery sink = hec.sink();
        hec.deliver(sink, List.of());
        assertThat(hec.receiver.stats().requests()).isZero();
    }
}
