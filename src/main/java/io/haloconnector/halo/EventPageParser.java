package io.haloconnector.halo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an events page in one streaming pass over the HTTP body: for each event it takes the id,
 * {@code created_at} and type and keeps the event object's own bytes, so no event is built into a
 * tree or written out again, and the page is never held whole. The bytes are checked against the
 * JSON grammar by {@link JsonScanner}, which makes no token or value for the fields nobody reads
 * (Jackson's tokeniser doing that was most of the page parse's CPU).
 * <p>
 * An event that cannot be delivered does not stop the page: it becomes a {@link BadEvent} and the
 * events after it are read on. Without a usable id (a string, or a whole number, whose text is then
 * the id) or {@code created_at} it is kept whole; one larger than {@code maxEventBytes}, or nested
 * deeper than {@link #MAX_EVENT_DEPTH}, is read past byte by byte, keeping only its first
 * {@code maxEventBytes}, so the heap holds at most that much of it. Anything else that is not JSON
 * (a truncated body, a syntax error) is a malformed answer, fetched again.
 */
public final class EventPageParser {
    /**
     * Levels an event may nest (the event object is level 1). Halo's events have three (an event,
     * its {@code cves} array, a CVE); the margin keeps any event a consumer can still parse as JSON.
     */
    public static final int MAX_EVENT_DEPTH = 200;
    /** For events on their own and tests: the default of {@code halo.event.maxBytes} (ConnectorProperty). */
    static final int DEFAULT_MAX_EVENT_BYTES = 1_000_000;
    private static final byte[] ID = ascii("id");
    private static final byte[] CREATED_AT = ascii("created_at");
    private static final byte[] TYPE = ascii("type");
    // levels of the page's own fields: the page object is level -1, so its fields nest as far as an event's
    private static final int PAGE_FIELD_LEVEL = 0;

    private final JsonScanner json;
    private final int maxEventBytes;
    private final List<HaloEvent> events = new ArrayList<>();
    private final List<BadEvent> badEvents = new ArrayList<>();

    private EventPageParser(InputStream body, int maxEventBytes) {
        this.json = new JsonScanner(body, "an events page", maxEventBytes, MAX_EVENT_DEPTH);
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Reads a page from {@code body} (not closed here). Throws {@link MalformedResponseException}
     * when the answer is not an events page, and the body's own IOException when reading it fails.
     */
    public static EventPage parse(InputStream body, int maxEventBytes) throws IOException {
        return new EventPageParser(body, maxEventBytes).page();
    }

    /** A page held in memory (tests, tools), with the default event size limit. */
    public static EventPage parse(byte[] body) {
        try {
            return parse(new ByteArrayInputStream(body), DEFAULT_MAX_EVENT_BYTES);
        } catch (IOException e) {
            throw new MalformedResponseException("an events page could not be read: " + e.getMessage());
        }
    }

    /** One event object on its own (see {@link HaloEvent#of}): a bad event is an error here. */
    static HaloEvent event(byte[] object) {
        ByteArrayOutputStream page = new ByteArrayOutputStream(object.length + 13);
        page.writeBytes("{\"events\":[".getBytes(StandardCharsets.US_ASCII));
        page.writeBytes(object);
        page.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
        EventPage parsed = parse(page.toByteArray());
        if (!parsed.badEvents().isEmpty()) {
            BadEvent bad = parsed.badEvents().get(0);
            throw new MalformedResponseException("an event has " + bad.reason().text() + ": " + bad.detail());
        }
        if (parsed.events().size() != 1) {
            throw new MalformedResponseException("not one event object");
        }
        return parsed.events().get(0);
    }

    private EventPage page() throws IOException {
        json.skipByteOrderMark();
        if (json.next() != '{') {
            throw new MalformedResponseException("an events page is not a JSON object");
        }
        boolean hasEvents = false;
        long count = -1;
        boolean hasNext = false;
        int b = json.next();
        while (b != '}') {
            json.expectAt(b, '"', "a field name");
            String field = pageText();
            json.expect(':', "':' after a field name");
            b = json.next();
            switch (field) {
                case "events" -> {
                    events(b);
                    hasEvents = true;
                }
                case "count" -> count = count(b);
                case "pagination" -> hasNext = hasNext(b);
                default -> skipPageField(b);
            }
            b = json.next();
            if (b == ',') {
                b = json.next();
            } else {
                json.expectAt(b, '}', "',' or '}'");
            }
        }
        if (json.next() >= 0) {
            throw new MalformedResponseException("an events page has data after its JSON object");
        }
        if (!hasEvents) {
            throw new MalformedResponseException("an events page has no \"events\" array");
        }
        return new EventPage(events, count < 0 ? events.size() + badEvents.size() : count, hasNext, badEvents);
    }

    private void events(int start) throws IOException {
        if (start < 0) {
            throw json.endsEarly();
        }
        if (start != '[') {
            throw new MalformedResponseException("an events page has no \"events\" array");
        }
        int position = 0;
        int b = json.next();
        while (b != ']') {
            position++;
            if (b < 0) {
                throw json.endsEarly();
            }
            if (b != '{') {
                throw new MalformedResponseException("an event is not a JSON object");
            }
            event(position);
            b = json.next();
            if (b == ',') {
                b = json.next();
            } else {
                json.expectAt(b, ']', "',' or ']'");
            }
        }
    }

    /** The scanner is just past the event's opening brace; it is left just past its closing one. */
    private void event(int position) throws IOException {
        json.markPrevious();
        json.lineBreak = false;
        String idText = null;
        String idWrong = "no \"id\" field"; // why there is no usable id, while there is none
        String createdAt = null;
        String type = "";
        try {
            int b = json.next();
            while (b != '}') {
                json.expectAt(b, '"', "a field name");
                int nameFrom = json.sinceMark();
                boolean escapes = json.skipString();
                int nameTo = json.sinceMark() - 1;
                json.expect(':', "':' after a field name");
                b = json.next();
                byte[] name = escapes ? ascii(json.text(nameFrom, nameTo, true)) : null;
                if (is(name, nameFrom, nameTo, ID)) {
                    idText = null;
                    if (b == '"') {
                        idText = string();
                        idWrong = "\"id\" is blank";
                    } else if (b == '-' || (b >= '0' && b <= '9')) {
                        int from = json.sinceMark() - 1;
                        idText = json.skipNumber() ? json.text(from, json.sinceMark(), false) : null;
                        idWrong = "\"id\" is a number with a fraction";
                    } else {
                        idWrong = "\"id\" is " + describe(b);
                        json.skipValue(b, 2);
                    }
                } else if (is(name, nameFrom, nameTo, CREATED_AT)) {
                    createdAt = b == '"' ? string() : skipped(b);
                } else if (is(name, nameFrom, nameTo, TYPE)) {
                    String text = b == '"' ? string() : skipped(b);
                    type = text == null ? "" : text; // a type that is not text: none
                } else {
                    json.skipValue(b, 2); // the event object is level 1
                }
                b = json.next();
                if (b == ',') {
                    b = json.next();
                } else {
                    json.expectAt(b, '}', "',' or '}'");
                }
            }
        } catch (JsonScanner.TooLarge e) {
            readPast(position, idText, BadEvent.Reason.TOO_LARGE, "larger than halo.event.maxBytes (" + maxEventBytes + " bytes)");
            return;
        } catch (JsonScanner.TooDeep e) {
            readPast(position, idText, BadEvent.Reason.TOO_DEEP, "nested deeper than " + MAX_EVENT_DEPTH + " levels");
            return;
        }
        byte[] event = json.bytes(0, json.sinceMark());
        json.unmark();
        if (event.length > maxEventBytes) {
            badEvents.add(bad(position, idText, BadEvent.Reason.TOO_LARGE, event.length + " bytes, larger than"
                    + " halo.event.maxBytes (" + maxEventBytes + " bytes)", event));
            return;
        }
        if (idText == null || idText.isBlank()) {
            badEvents.add(bad(position, null, BadEvent.Reason.NO_ID, idWrong, event));
            return;
        }
        if (createdAt == null) {
            badEvents.add(bad(position, idText, BadEvent.Reason.BAD_CREATED_AT, "no \"created_at\" text", event));
            return;
        }
        Instant created;
        try {
            created = IsoInstant.parse(createdAt);
        } catch (DateTimeException e) {
            badEvents.add(bad(position, idText, BadEvent.Reason.BAD_CREATED_AT, "\"created_at\" is not an ISO-8601"
                    + " UTC time: '" + shorten(createdAt) + "'", event));
            return;
        }
        if (json.lineBreak) { // line breaks between the event's tokens: most events have none
            oneLine(event);
        }
        events.add(new HaloEvent(idText, created, type, event));
    }

    /** Whether a field name is {@code wanted}: {@code decoded} when it had escapes, else its bytes at [from, to). */
    private boolean is(byte[] decoded, int from, int to, byte[] wanted) {
        return decoded != null ? Arrays.equals(decoded, wanted) : json.bytesEqual(from, to, wanted);
    }

    /** After a string value's opening quote: its text. */
    private String string() throws IOException {
        int from = json.sinceMark();
        boolean escapes = json.skipString();
        return json.text(from, json.sinceMark() - 1, escapes);
    }

    /** Skips a value that is not the string wanted; null. */
    private String skipped(int first) throws IOException {
        json.skipValue(first, 2);
        return null;
    }

    /** A string of the page itself (a field name, pagination.next): kept only while it is read. */
    private String pageText() throws IOException {
        json.markPrevious();
        try {
            int from = json.sinceMark();
            boolean escapes = json.skipString();
            return json.text(from, json.sinceMark() - 1, escapes);
        } catch (JsonScanner.TooLarge e) {
            throw new MalformedResponseException("an events page has a text of more than halo.event.maxBytes ("
                    + maxEventBytes + " bytes) outside its events");
        } finally {
            json.unmark();
        }
    }

    private long count(int first) throws IOException {
        if (first != '-' && (first < '0' || first > '9')) {
            skipPageField(first);
            return -1;
        }
        json.markPrevious();
        json.skipNumber();
        String number = json.text(0, json.sinceMark(), false);
        json.unmark();
        return new BigDecimal(number).longValue();
    }

    private boolean hasNext(int first) throws IOException {
        if (first != '{') {
            skipPageField(first);
            return false;
        }
        boolean hasNext = false;
        int b = json.next();
        while (b != '}') {
            json.expectAt(b, '"', "a field name");
            String field = pageText();
            json.expect(':', "':' after a field name");
            b = json.next();
            if (field.equals("next") && b == '"') {
                hasNext = !pageText().isBlank();
            } else {
                skipPageField(b);
            }
            b = json.next();
            if (b == ',') {
                b = json.next();
            } else {
                json.expectAt(b, '}', "',' or '}'");
            }
        }
        return hasNext;
    }

    private void skipPageField(int first) throws IOException {
        try {
            json.skipValue(first, PAGE_FIELD_LEVEL + 1);
        } catch (JsonScanner.TooDeep e) {
            throw new MalformedResponseException("an events page has a field nested deeper than " + MAX_EVENT_DEPTH + " levels");
        }
    }

    /**
     * Goes past an event the scanner cannot check (too large, too deep): its bytes, from its opening
     * brace to its closing one, keeping the first {@code maxEventBytes} and a digest of all; the page
     * is then read on after it.
     */
    private void readPast(int position, String id, BadEvent.Reason reason, String detail) throws IOException {
        BadEventBytes bytes = new BadEventBytes(maxEventBytes);
        if (!json.skipMarkedUnchecked(bytes)) {
            throw new MalformedResponseException("an events page ends inside event " + position + " (truncated?)");
        }
        byte[] raw = Arrays.copyOf(bytes.kept, cut(bytes.kept, bytes.keptLength, maxEventBytes));
        badEvents.add(new BadEvent(position, id, reason, (reason == BadEvent.Reason.TOO_LARGE ? bytes.size + " bytes, " : "")
                + detail, bytes.size, raw, HexFormat.of().formatHex(bytes.sha256.digest())));
    }

    /** A bad event's bytes as they are read past: the first ones kept, all of them counted and digested. */
    private static final class BadEventBytes implements JsonScanner.ByteRun {
        final MessageDigest sha256 = sha256();
        final byte[] kept;
        int keptLength;
        long size;

        BadEventBytes(int maxEventBytes) {
            this.kept = new byte[maxEventBytes + 1]; // one more: to see whether the cut splits a character
        }

        @Override
        public void take(byte[] bytes, int from, int length) {
            sha256.update(bytes, from, length);
            int keep = Math.min(length, kept.length - keptLength);
            System.arraycopy(bytes, from, kept, keptLength, keep);
            keptLength += keep;
            size += length;
        }
    }

    private BadEvent bad(int position, String id, BadEvent.Reason reason, String detail, byte[] event) {
        return new BadEvent(position, id, reason, detail, event.length,
                Arrays.copyOf(event, cut(event, event.length, maxEventBytes)),
                HexFormat.of().formatHex(sha256().digest(event)));
    }

    /** What a value that is neither a string nor a number is, from its first byte. */
    private static String describe(int first) {
        return switch (first) {
            case 'n' -> "null";
            case 't', 'f' -> "a boolean";
            case '{' -> "an object";
            case '[' -> "an array";
            default -> "not a string";
        };
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** How many of the {@code length} bytes to keep: at most {@code limit}, never ending inside a UTF-8 character. */
    private static int cut(byte[] bytes, int length, int limit) {
        if (length <= limit) {
            return length;
        }
        int cut = limit;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) { // bytes[cut] continues a character begun before it
            cut--;
        }
        return cut;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * A pretty-printed API answer puts line breaks between tokens; JSON strings cannot hold a raw
     * one (the parser rejects it), so each is whitespace and becomes a space: one event, one line.
     */
    private static void oneLine(byte[] event) {
        for (int i = 0; i < event.length; i++) {
            if (event[i] == '\n' || event[i] == '\r') {
                event[i] = ' ';
            }
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
