package io.haloconnector.halo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static io.haloconnector.halo.BadEvent.Reason.BAD_CREATED_AT;
import static io.haloconnector.halo.BadEvent.Reason.NO_ID;
import static io.haloconnector.halo.BadEvent.Reason.TOO_DEEP;
import static io.haloconnector.halo.BadEvent.Reason.TOO_LARGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventPageParserTest {

    private static EventPage parse(String body) {
        return EventPageParser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventsPassThroughByteForByteIncludingNumbersAndUnknownFields() throws Exception {
        String event = "{\"id\":\"bee374e4fbc911e79f9f25d7f6f8d377\",\"created_at\":\"2018-01-17T21:02:36.771Z\","
                + "\"cves\":[{\"CVE\":\"CVE-2024-1\",\"CVSS\":9.0},{\"CVE\":\"CVE-2024-2\",\"CVSS\":7.25}],"
                + "\"message\":\"quote \\\" and ü – 🙂\",\"actor_issuer\":null,\"new_field\":{\"x\":[1,2]}}";
        EventPage page = parse("{\"count\":1,\"events\":[" + event + "],\"pagination\":{}}");
        assertThat(new String(page.events().get(0).json(), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(page.events().get(0).id()).isEqualTo("bee374e4fbc911e79f9f25d7f6f8d377");
        assertThat(page.count()).isEqualTo(1);
        assertThat(page.hasNext()).isFalse();
    }

    @Test
    void aPrettyPrintedPageGivesEachEventOnOneLineWithItsTypeAndCount() {
        EventPage page = parse("{\n  \"count\": 1234,\n  \"events\": [\n    {\n      \"id\": \"a\",\n"
                + "      \"type\": \"fim_object_added\",\r\n      \"created_at\": \"2026-11-01T00:00:00.5Z\",\n"
                + "      \"message\": \"line one\\nline two\"\n    },\n    {\"id\": \"b\", \"created_at\": \"2026-11-01T00:00:01Z\"}\n  ],\n"
                + "  \"pagination\": {\"next\": \"https://x/v1/events?page=2\", \"previous\": null}\n}\n");
        HaloEvent first = page.events().get(0);
        assertThat(new String(first.json(), StandardCharsets.UTF_8)).doesNotContain("\n", "\r")
                .contains("\"message\": \"line one\\nline two\"");
        assertThat(first.tree().get("message").asText()).isEqualTo("line one\nline two");
        assertThat(first.type()).isEqualTo("fim_object_added");
        assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-11-01T00:00:00.500Z"));
        assertThat(page.events().get(1).type()).isEmpty();
        assertThat(page.count()).isEqualTo(1234);
        assertThat(page.hasNext()).isTrue();
    }

    @Test
    void microsecondTimestampsOfOldEventsAreAccepted() {
        EventPage page = parse("{\"count\":1,\"events\":[{\"id\":\"a\",\"created_at\":\"2014-06-01T10:00:00.123456Z\"}],"
                + "\"pagination\":{\"next\":\"https://api.cloudpassage.com/v1/events?page=2\"}}");
        assertThat(page.events().get(0).createdAt().getNano()).isEqualTo(123_456_000);
        assertThat(page.hasNext()).isTrue();
    }

    @Test
    void aMalformedAnswerIsReportedNotSkipped() {
        assertThatThrownBy(() -> parse("{\"count\":3,\"events\":[{\"id\":\"a\",\"created_at\":\"2026-"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"count\":3}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("no \"events\" array");
        assertThatThrownBy(() -> parse("{\"events\":[\"a\"]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("{\"events\":[]}{\"events\":[]}"))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("after its JSON object");
        assertThatThrownBy(() -> parse("{\"events\":[{\"id\":\"a\",\"x\":" + "[".repeat(300)))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("ends inside event 1");
    }

    @Test
    void aNumericIdIsAnIdAndTheEventPassesUnchanged() {
        String event = "{\"id\":12345,\"created_at\":\"2026-11-01T00:00:00Z\",\"type\":\"issue_resolved\"}";
        EventPage page = parse("{\"count\":1,\"events\":[" + event + "]}");
        assertThat(page.badEvents()).isEmpty();
        assertThat(page.events().get(0).id()).isEqualTo("12345");
        assertThat(new String(page.events().get(0).json(), StandardCharsets.UTF_8)).isEqualTo(event);
    }

    @Test
    void eventsWithoutIdOrWithABadCreatedAtAreSetAsideWhole() {
        String[] bad = {
            "{\"created_at\":\"2026-11-01T00:00:00Z\",\"type\":\"x\"}",
            "{\"id\":null,\"created_at\":\"2026-11-01T00:00:00Z\"}",
            "{\"id\":\"  \",\"created_at\":\"2026-11-01T00:00:00Z\"}",
            "{\"id\":\"c\"}",
            "{\"id\":\"d\",\"created_at\":\"yesterday\"}",
            "{\"id\":\"e\",\"created_at\":\"2026-11-01T00:00:00\"}",
            "{\"id\":\"f\",\"created_at\":20261101}"};
        EventPage page = parse("{\"count\":9,\"events\":[" + GOOD_A + "," + String.join(",", bad) + "," + GOOD_B + "]}");

        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a", "b");
        assertThat(page.count()).isEqualTo(9);
        assertThat(page.badEvents()).extracting(BadEvent::position).containsExactly(2, 3, 4, 5, 6, 7, 8);
        assertThat(page.badEvents()).extracting(BadEvent::reason).containsExactly(NO_ID, NO_ID, NO_ID,
                BAD_CREATED_AT, BAD_CREATED_AT, BAD_CREATED_AT, BAD_CREATED_AT);
        assertThat(page.badEvents()).extracting(BadEvent::id).containsExactly(null, null, null, "c", "d", "e", "f");
        assertThat(page.badEvents()).extracting(e -> new String(e.raw(), StandardCharsets.UTF_8)).containsExactly(bad);
        assertThat(page.badEvents()).allSatisfy(e -> {
            assertThat(e.cut()).isFalse();
            assertThat(e.sha256()).isEqualTo(sha256(e.raw()));
        });
        assertThat(page.badEvents().get(4).detail()).contains("'yesterday'");
    }

    @Test
    void anEventNestedTenThousandLevelsInAFieldNobodyReadsIsSetAsideAndThePageReadOn() {
        String deep = "{\"id\":\"deep\",\"created_at\":\"2026-11-01T00:00:00Z\",\"extra\":"
                + "[".repeat(10_000) + "\"]}\\\"[{\"" + "]".repeat(10_000) + "}";
        String pretty = "{\n \"count\": 3,\n \"events\": [\n  " + GOOD_A + " ,\n  " + deep + "\n  ,\n  " + GOOD_B
                + "\n ],\n \"pagination\": {\"next\": \"https://x/v1/events?page=2\"}\n}";
        EventPage page = parse(pretty);

        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a", "b");
        assertThat(page.hasNext()).isTrue();
        assertThat(page.count()).isEqualTo(3);
        BadEvent bad = page.badEvents().get(0);
        assertThat(bad.reason()).isEqualTo(TOO_DEEP);
        assertThat(bad.position()).isEqualTo(2);
        assertThat(bad.id()).isEqualTo("deep");
        assertThat(new String(bad.raw(), StandardCharsets.UTF_8)).isEqualTo(deep);
        assertThat(bad.sha256()).isEqualTo(sha256(deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEventAsDeepAsTheLimitIsDelivered() {
        int inner = EventPageParser.MAX_EVENT_DEPTH - 1; // the event object is the first level
        String event = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\",\"x\":" + "[".repeat(inner) + "]".repeat(inner) + "}";
        assertThat(parse("{\"events\":[" + event + "]}").events()).hasSize(1);
        String deeper = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\",\"x\":" + "[".repeat(inner + 1) + "]".repeat(inner + 1) + "}";
        assertThat(parse("{\"events\":[" + deeper + "]}").badEvents()).extracting(BadEvent::reason).containsExactly(TOO_DEEP);
    }

    @Test
    void anEventOverTheLimitIsStreamedPastKeepingOnlyItsFirstBytes() throws Exception {
        int limit = 10_000;
        long hugeSize = 50L << 20; // 50 MB, produced as it is read: the test never holds it either
        byte[] head = ("{\"count\":3,\"events\":[" + GOOD_A + ",{\"id\":\"huge\",\"message\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\",\"created_at\":\"2026-11-01T00:00:00Z\"}," + GOOD_B + "],\"pagination\":{}}").getBytes(StandardCharsets.UTF_8);
        long eventSize = hugeSize + ("{\"id\":\"huge\",\"message\":\"" + "\",\"created_at\":\"2026-11-01T00:00:00Z\"}").length();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        InputStream body = new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head),
                new RepeatedText("ü\\\"]}".getBytes(StandardCharsets.UTF_8), hugeSize), new ByteArrayInputStream(tail))));

        EventPage page = EventPageParser.parse(body, limit);

        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a", "b");
        BadEvent bad = page.badEvents().get(0);
        assertThat(bad.reason()).isEqualTo(TOO_LARGE);
        assertThat(bad.position()).isEqualTo(2);
        assertThat(bad.size()).isEqualTo(eventSize);
        assertThat(bad.cut()).isTrue();
        assertThat(bad.raw().length).isBetween(limit - 3, limit); // a cut never splits a character
        String raw = new String(bad.raw(), StandardCharsets.UTF_8);
        assertThat(raw).startsWith("{\"id\":\"huge\",\"message\":\"ü\\\"]}ü").doesNotContain("\uFFFD");
        assertThat(bad.detail()).contains(eventSize + " bytes");
        // the digest covers the whole event, as sent
        digest.update(("{\"id\":\"huge\",\"message\":\"").getBytes(StandardCharsets.UTF_8));
        RepeatedText again = new RepeatedText("ü\\\"]}".getBytes(StandardCharsets.UTF_8), hugeSize);
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = again.read(buffer, 0, buffer.length)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        digest.update("\",\"created_at\":\"2026-11-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.sha256()).isEqualTo(HexFormat.of().formatHex(digest.digest()));
    }

    @Test
    void anEventJustOverTheLimitIsCutAfterItWasRead() {
        String big = "{\"id\":\"big\",\"created_at\":\"2026-11-01T00:00:00Z\",\"m\":\"" + "x".repeat(1_500) + "\"}";
        byte[] body = ("{\"events\":[" + GOOD_A + "," + big + "," + GOOD_B + "]}").getBytes(StandardCharsets.UTF_8);
        EventPage page = EventPageParser.parse(body);
        assertThat(page.badEvents()).isEmpty();

        try {
            page = EventPageParser.parse(new ByteArrayInputStream(body), 1_000);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a", "b");
        BadEvent bad = page.badEvents().get(0);
        assertThat(bad.reason()).isEqualTo(TOO_LARGE);
        assertThat(bad.id()).isEqualTo("big");
        assertThat(bad.size()).isEqualTo(big.length());
        assertThat(new String(bad.raw(), StandardCharsets.UTF_8)).isEqualTo(big.substring(0, 1_000));
    }

    @Test
    void severalBadEventsInARowAndAtTheEndOfThePage() {
        String deep = "{\"id\":\"deep\",\"x\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300) + "}";
        EventPage page = parse("{\"events\":[" + deep + "," + deep.replace("deep", "deep2") + "," + GOOD_A + ","
                + "{\"id\":\"x\"}," + deep.replace("deep", "deep3") + "],\"count\":5}");
        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a");
        assertThat(page.badEvents()).extracting(BadEvent::id).containsExactly("deep", "deep2", "x", "deep3");
        assertThat(page.badEvents()).extracting(BadEvent::position).containsExactly(1, 2, 4, 5);
        assertThat(page.count()).isEqualTo(5);
    }

    @Test
    void aSingleEventWithoutIdIsAnErrorOnItsOwn() {
        assertThatThrownBy(() -> EventPageParser.event("{\"created_at\":\"2026-11-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("no id");
    }

    @Test
    void aPageReadOneByteAtATimeGivesTheSameEventsAndBadEventsAsInOnePiece() throws Exception {
        String deep = "{\"id\":\"deep\",\"created_at\":\"2026-11-01T00:00:00Z\",\"x\":" + "[".repeat(250) + "\"]}\"" + "]".repeat(250) + "}";
        String big = "{\"id\":\"big\",\"created_at\":\"2026-11-01T00:00:00Z\",\"m\":\"" + "ü{\\\"[".repeat(400) + "\"}";
        String tricky = "{\"m\":\"}]{[\\\\\",\"i\\u0064\":\"e\\u0301\",\"created_at\":\"2026-11-01T00:00:02Z\",\"type\":\"t\\\"1\",\"n\":{\"id\":\"inner\"}}";
        String body = "{\n \"count\": 6,\n \"events\": [\n  " + GOOD_A + ",\n  " + deep + ",\n  " + big + ",\n  " + tricky
                + ",\n  {\"id\":\"x\"},\n  " + GOOD_B + "\n ],\n \"pagination\": {\"next\": \"https://x/v1/events?page=2\"}\n}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        EventPage whole = EventPageParser.parse(new ByteArrayInputStream(bytes), 2_000);
        for (int chunk : new int[] {1, 7, 4096}) {
            EventPage read = EventPageParser.parse(new ChunkedStream(bytes, chunk), 2_000);
            assertThat(read.events()).isEqualTo(whole.events());
            assertThat(read.badEvents()).usingRecursiveFieldByFieldElementComparator().isEqualTo(whole.badEvents());
            assertThat(read.count()).isEqualTo(6);
            assertThat(read.hasNext()).isTrue();
        }
        assertThat(whole.events()).extracting(HaloEvent::id).containsExactly("a", "e\u0301", "b");
        HaloEvent third = whole.events().get(1);
        assertThat(third.type()).isEqualTo("t\"1");
        assertThat(new String(third.json(), StandardCharsets.UTF_8)).isEqualTo(tricky);
        assertThat(whole.badEvents()).extracting(BadEvent::reason).containsExactly(TOO_DEEP, TOO_LARGE, BAD_CREATED_AT);
        assertThat(whole.badEvents()).extracting(BadEvent::id).containsExactly("deep", "big", "x");
        BadEvent tooLarge = whole.badEvents().get(1);
        assertThat(tooLarge.size()).isEqualTo(big.getBytes(StandardCharsets.UTF_8).length);
        assertThat(tooLarge.sha256()).isEqualTo(sha256(big.getBytes(StandardCharsets.UTF_8)));
        assertThat(big).startsWith(new String(tooLarge.raw(), StandardCharsets.UTF_8));
        assertThat(tooLarge.raw().length).isBetween(2_000 - 3, 2_000);
    }

    @Test
    void anEventOverTheLimitInAPageReadInSmallPiecesIsReadPastAndThePageGoesOn() throws Exception {
        String huge = "{\"id\":\"huge\",\"created_at\":\"2026-11-01T00:00:00Z\",\"m\":[" + "{\"s\":\"}]\\\"\"},".repeat(20_000) + "1]}";
        byte[] bytes = ("{\"events\":[" + GOOD_A + "," + huge + "," + GOOD_B + "]}").getBytes(StandardCharsets.UTF_8);

        EventPage page = EventPageParser.parse(new ChunkedStream(bytes, 1000), 10_000);

        assertThat(page.events()).extracting(HaloEvent::id).containsExactly("a", "b");
        assertThat(page.badEvents()).singleElement().satisfies(bad -> {
            assertThat(bad.reason()).isEqualTo(TOO_LARGE);
            assertThat(bad.id()).isEqualTo("huge");
            assertThat(bad.size()).isEqualTo(huge.length());
            assertThat(bad.raw()).hasSize(10_000);
            assertThat(bad.detail()).contains(huge.length() + " bytes", "halo.event.maxBytes (10000 bytes)");
        });
    }

    @Test
    void aPageCutInsideAnEventBeingReadPastIsMalformed() {
        byte[] bytes = ("{\"events\":[" + GOOD_A + ",{\"id\":\"huge\",\"m\":\"" + "x".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> EventPageParser.parse(new ChunkedStream(bytes, 100), 1_000))
                .isInstanceOf(MalformedResponseException.class).hasMessageContaining("ends inside event 2");
    }

    private static final String GOOD_A = "{\"id\":\"a\",\"created_at\":\"2026-11-01T00:00:00Z\"}";
    private static final String GOOD_B = "{\"id\":\"b\",\"created_at\":\"2026-11-01T00:00:01Z\"}";

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code size} bytes of {@code unit} over and over (the last one possibly cut), made as they are read. */
    private static final class RepeatedText extends InputStream {
        private final byte[] unit;
        private final long size;
        private long at;

        RepeatedText(byte[] unit, long size) {
            this.unit = unit;
            this.size = size;
        }

        @Override
        public int read() {
            return at < size ? unit[(int) (at++ % unit.length)] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - at);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = unit[(int) (at++ % unit.length)];
            }
            return n;
        }
    }

    /** The bytes, at most {@code chunk} per read, as a network stream hands them over. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int at;

        ChunkedStream(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, chunk), bytes.length - at);
            System.arraycopy(bytes, at, buffer, offset, n);
            at += n;
            return n;
        }
    }
}
