package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events the connector cannot deliver, served among good ones by a misbehaving API: without an
 * id, with a missing, unparsable or zone-less created_at, nested 10,000 levels deep in a field the
 * connector ignores, and 100 MB large on a 256 MB heap. Each goes once to halo-dead-letter.jsonl
 * (also when the page comes again: the next poll's overlap, a restart) with one ERROR line and a
 * count in the metrics, and every other event of its page is delivered once; a numeric id is an
 * id. With halo.deadLetter=stop the feed stops at such an event instead.
 */
class BadEventsTest {
    // a text each bad event carries: it must never reach the log
    private static final String CONTENT = "content-of-a-bad-event";

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private ConnectorProcess connector;

    @AfterEach
    void stop() throws InterruptedException {
        if (connector != null) {
            connector.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void eachBadEventIsSetAsideOnceAndEveryOtherEventIsDeliveredOnce() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        Instant newest = Instant.now().minusSeconds(30);
        simulator.events().generate(15, start, newest, 400);
        Set<String> expected = ids();
        // on page 1 (the first event of the window), in the middle, and in the last two minutes,
        // which every later poll reads again (halo.poll.overlap)
        String numeric = "{\"id\":12345,\"type\":\"issue_resolved\",\"created_at\":\"" + start.plusSeconds(7200) + "\"}";
        Map<String, String> bad = Map.of(
                "no id", "{\"type\":\"issue_resolved\",\"created_at\":\"" + start + "\",\"message\":\"" + CONTENT + "\"}",
                "missing created_at", "{\"id\":\"b1\",\"message\":\"" + CONTENT + "\"}",
                "yesterday", "{\"id\":\"b2\",\"created_at\":\"yesterday\",\"message\":\"" + CONTENT + "\"}",
                "no zone", "{\"id\":\"b3\",\"created_at\":\"2026-11-30T10:00:00\",\"message\":\"" + CONTENT + "\"}",
                "too deep", "{\"id\":\"b4\",\"created_at\":\"" + start.plusSeconds(9000) + "\",\"message\":\"" + CONTENT
                        + "\",\"ignored\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        simulator.events().addRaw(start, "0", bytes(bad.get("no id")));
        simulator.events().addRaw(start.plusSeconds(3600), "b1", bytes(bad.get("missing created_at")));
        simulator.events().addRaw(start.plusSeconds(7200), "12345", bytes(numeric));
        simulator.events().addRaw(start.plusSeconds(9000), "b4", bytes(bad.get("too deep")));
        simulator.events().addRaw(newest.minusSeconds(40), "b2", bytes(bad.get("yesterday")));
        simulator.events().addRaw(newest.minusSeconds(20), "b3", bytes(bad.get("no zone")));
        expected.add("12345");
        int port = freePort();
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "100");
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> connector.stdout().lines().count() >= expected.size()
                && deadLetters().size() >= bad.size());
        // later polls read the last two minutes again, with two bad events in them
        long requests = simulator.stats().eventsRequests();
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.stats().eventsRequests() >= requests + 3);
        double[] counted = {metric(port, "no_id"), metric(port, "bad_created_at"), metric(port, "too_deep")};
        assertThat(connector.terminate(20)).isZero();
        // a restart reads them once more
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        long restarted = simulator.stats().eventsRequests();
        await().atMost(Duration.ofSeconds(60)).until(() -> simulator.stats().eventsRequests() >= restarted + 2);
        assertThat(connector.terminate(20)).isZero();

        List<JsonNode> letters = deadLetters();
        String log = connector.stderr();
        print("bad events: %d delivered, dead letters %s; metrics no_id %.0f, bad_created_at %.0f, too_deep %.0f",
                connector.stdout().lines().count(), letters.stream().map(l -> l.get("reason").asText() + "@page "
                        + l.get("page") + "/" + l.get("position")).toList(), counted[0], counted[1], counted[2]);
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(connector.stdout().lines()).as("the numeric id's event as Halo sent it").contains(numeric);
        assertThat(letters).as("each bad event once, after repeats of its page and a restart").hasSize(bad.size());
        assertThat(letters.stream().map(l -> l.get("raw").asText()).collect(Collectors.toSet()))
                .isEqualTo(new HashSet<>(bad.values()));
        assertThat(letters.stream().map(l -> l.get("reason").asText()))
                .containsExactlyInAnyOrder("no id", "bad created_at", "bad created_at", "bad created_at", "too deep");
        JsonNode first = letters.stream().filter(l -> l.get("reason").asText().equals("no id")).findFirst().orElseThrow();
        assertThat(first.get("page").asInt()).isEqualTo(1);
        assertThat(first.get("position").asInt()).isEqualTo(1);
        assertThat(first.get("cut").asBoolean()).isFalse();
        assertThat(counted).containsExactly(1, 3, 1);
        List<String> errors = log.lines().filter(line -> line.contains("cannot be delivered")).toList();
        assertThat(errors).as("one ERROR line per bad event").hasSize(bad.size())
                .allSatisfy(line -> assertThat(line).contains("ERROR", "page ", "position ", "halo-dead-letter.jsonl"));
        assertThat(errors).anySatisfy(line -> assertThat(line).contains("event without id (page 1 of since=", "position 1)", ": no id"));
        assertThat(errors).anySatisfy(line -> assertThat(line).contains("event b4 ", ": too deep"));
        assertThat(log).as("no bad event's content in the log").doesNotContain(CONTENT).doesNotContain("[[[[");
        assertThat(log).doesNotContain("Poll stopped");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aHundredMegabyteEventIsSetAsideCutWhileTheHeapOf256MbStaysBounded() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        simulator.events().generate(16, start, Instant.now().minusSeconds(30), 1_000);
        Set<String> expected = ids();
        String head = "{\"id\":\"huge\",\"created_at\":\"" + start.plusSeconds(3 * 3600) + "\",\"message\":\"";
        byte[] huge = new byte[100 << 20];
        Arrays.fill(huge, (byte) 'x');
        System.arraycopy(bytes(head), 0, huge, 0, head.length());
        System.arraycopy(bytes("\"}"), 0, huge, huge.length - 2, 2);
        simulator.events().addRaw(start.plusSeconds(3 * 3600), "huge", huge);
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "100");
        props.put("camel.management.enabled", "false");

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()),
                // a small young generation collects often, so the log samples the heap all along
                List.of("-Xmx256m", "-Xmn8m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + work.resolve("gc.log")));
        await().atMost(Duration.ofSeconds(120)).until(() -> connector.stdout().lines().count() >= expected.size()
                && connector.stderr().contains("Poll done"));
        long heapKib = connector.heapUsedKib();
        assertThat(connector.terminate(20)).isZero();

        List<JsonNode> letters = deadLetters();
        long peakAfterGcMb = peakHeapAfterGcMb(work.resolve("gc.log"));
        print("100 MB event on -Xmx256m: %d events delivered around it, heap after GC at most %d MB (%d GCs logged),"
                        + " %d MB in use at the end; dead letter %s bytes of %s, cut %s",
                connector.stdout().lines().count(), peakAfterGcMb, gcCount(work.resolve("gc.log")), heapKib / 1024,
                letters.isEmpty() ? "-" : letters.get(0).get("raw").asText().length(),
                letters.isEmpty() ? "-" : letters.get(0).get("size"), letters.isEmpty() ? "-" : letters.get(0).get("cut"));
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(connector.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("Poll stopped");
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.get("reason").asText()).isEqualTo("too large");
        assertThat(letter.get("id").asText()).isEqualTo("huge");
        assertThat(letter.get("size").asLong()).isEqualTo(huge.length);
        assertThat(letter.get("cut").asBoolean()).isTrue();
        assertThat(letter.get("raw").asText()).hasSize(1_000_000).startsWith(head);
        assertThat(peakAfterGcMb).as("the heap never held the 100 MB event").isLessThan(100);
        assertThat(connector.stderr().lines().filter(line -> line.contains("cannot be delivered")))
                .singleElement().asString().contains("event huge", "too large", "104857600 bytes");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withDeadLetterStopTheFeedStopsAtABadEventUntilTheSettingIsChanged() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
        simulator.events().generate(17, start, Instant.now().minusSeconds(30), 300);
        Set<String> expected = ids();
        Instant at = start.plusSeconds(3 * 3600);
        long before = simulator.events().all().stream()
                .filter(e -> Instant.parse(e.get("created_at").asText()).isBefore(at)).count();
        simulator.events().addRaw(at, "0", bytes("{\"created_at\":\"" + at + "\",\"message\":\"" + CONTENT + "\"}"));
        Map<String, String> props = Reliability.properties(simulator.baseUrl(), simulator.apiKey(), start, work);
        props.put("halo.perPage", "50");
        props.put("halo.deadLetter", "stop");
        props.put("camel.management.enabled", "false");

        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stderr().lines()
                .filter(line -> line.contains("halo.deadLetter=stop holds the feed")).count() >= 3);
        long delivered = connector.stdout().lines().count();
        assertThat(connector.terminate(20)).isZero();
        assertThat(delivered).as("only the pages before the bad event's page").isLessThan(before).isPositive();
        assertThat(deadLetters()).as("written once, though every poll stops at it").hasSize(1);

        props.put("halo.deadLetter", "set-aside");
        connector = ConnectorProcess.start(work, props, Reliability.secrets(simulator.apiSecret()), List.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> connector.stdout().lines().count() >= expected.size());
        assertThat(connector.terminate(20)).isZero();
        print("halo.deadLetter=stop: %d of %d events delivered before the bad one held the feed; all after set-aside",
                delivered, expected.size());
        Reliability.assertExactlyOnce(Reliability.idsOfLines(connector.stdout()), expected);
        assertThat(deadLetters()).hasSize(1);
        assertThat(connector.stderr()).doesNotContain(CONTENT);
    }

    private Set<String> ids() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toCollection(HashSet::new));
    }

    private List<JsonNode> deadLetters() {
        Path file = work.resolve("state/halo-dead-letter.jsonl");
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().map(Reliability::parse).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** halo_events_deadlettered_total for one reason, from /observe/metrics. */
    private static double metric(int port, String reason) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^halo_events_deadlettered_total\\{account=\"default\",reason=\"" + reason + "\"} ([0-9.]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The largest heap occupancy right after a collection in a -Xlog:gc file ("... 150M->12M(245M) ..."). */
    private static long peakHeapAfterGcMb(Path gcLog) throws IOException {
        Matcher m = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)").matcher(Files.readString(gcLog));
        long peak = 0;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }

    private static long gcCount(Path gcLog) throws IOException {
        return Files.readString(gcLog).lines().filter(line -> line.contains("->")).count();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
