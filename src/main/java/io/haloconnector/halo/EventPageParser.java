package io.haloconnector.halo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * tree or written out again (a tree and a second serialisation per event were the largest share of
 * the connector's CPU per event), and the page is never held whole.
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
    // the page object and its events array come before an event's own levels
    private static final int PAGE_LEVELS = 2;
    // a page restarted after an event the parser could not get past: the events array goes on after this
    private static final byte[] RESUME = "{\"events\":[0".getBytes(StandardCharsets.US_ASCII);

    // Jackson's nesting limit is what stops a deep event without a context object per level; names
    // and numbers are left unlimited because PageStream already bounds an event's bytes
    private static final JsonFactory PAGES = HaloJson.MAPPER.getFactory().copy()
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .setStreamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_EVENT_DEPTH + PAGE_LEVELS)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build());

    private final PageStream input;
    private JsonParser json;
    private final List<HaloEvent> events = new ArrayList<>();
    private final List<BadEvent> badEvents = new ArrayList<>();

    private EventPageParser(InputStream body, int maxEventBytes) throws IOException {
        this.input = new PageStream(body, maxEventBytes);
        this.json = PAGES.createParser(input);
    }

    /**
     * Reads a page from {@code body} (not closed here). Throws {@link MalformedResponseException}
     * when the answer is not an events page, and the body's own IOException when reading it fails.
     */
    public static EventPage parse(InputStream body, int maxEventBytes) throws IOException {
        try {
            EventPageParser parser = new EventPageParser(body, maxEventBytes);
            try {
                return parser.page();
            } finally {
                parser.json.close();
            }
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("an events page is not valid JSON (truncated?): " + e.getOriginalMessage());
        }
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
        if (json.nextToken() != JsonToken.START_OBJECT) {
            throw new MalformedResponseException("an events page is not a JSON object");
        }
        boolean hasEvents = false;
        long count = -1;
        boolean hasNext = false;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "events" -> {
                    events(value);
                    hasEvents = true;
                }
                case "count" -> count = value.isNumeric() ? json.getValueAsLong() : -1;
                case "pagination" -> hasNext = hasNext(value);
                default -> json.skipChildren();
            }
        }
        if (json.nextToken() != null) {
            throw new MalformedResponseException("an events page has data after its JSON object");
        }
        if (!hasEvents) {
            throw new MalformedResponseException("an events page has no \"events\" array");
        }
        return new EventPage(events, count < 0 ? events.size() + badEvents.size() : count, hasNext, badEvents);
    }

    private void events(JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new MalformedResponseException("an events page has no \"events\" array");
        }
        int position = 0;
        for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
            position++;
            if (token != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("an event is not a JSON object");
            }
            event(position);
        }
    }

    /** The parser is on the event's START_OBJECT; it is left on its END_OBJECT, or on a page restarted after it. */
    private void event(int position) throws IOException {
        JsonLocation from = json.currentTokenLocation();
        input.eventStarts(from.getByteOffset());
        JsonToken id = null;
        String idText = null;
        String createdAt = null;
        String type = "";
        try {
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "id" -> {
                        id = value;
                        idText = value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT ? json.getText() : null;
                    }
                    case "created_at" -> createdAt = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "type" -> type = value == JsonToken.VALUE_STRING ? json.getText() : "";
                    default -> json.skipChildren();
                }
            }
        } catch (PageStream.EventTooLarge e) {
            readPast(position, idText, BadEvent.Reason.TOO_LARGE, "larger than halo.event.maxBytes ("
                    + input.maxEventBytes() + " bytes)");
            return;
        } catch (StreamConstraintsException e) {
            if (json.getParsingContext().getNestingDepth() > MAX_EVENT_DEPTH + PAGE_LEVELS) {
                readPast(position, idText, BadEvent.Reason.TOO_DEEP, "nested deeper than " + MAX_EVENT_DEPTH + " levels");
            } else {
                readPast(position, idText, BadEvent.Reason.TOO_LARGE, e.getOriginalMessage());
            }
            return;
        }
        JsonLocation to = json.currentLocation(); // just past the closing brace
        byte[] event = input.eventEnds(to.getByteOffset());
        if (event.length > input.maxEventBytes()) {
            badEvents.add(bad(position, idText, BadEvent.Reason.TOO_LARGE, event.length + " bytes, larger than"
                    + " halo.event.maxBytes (" + input.maxEventBytes() + ")", event));
            return;
        }
        if (idText == null || idText.isBlank()) {
            badEvents.add(bad(position, null, BadEvent.Reason.NO_ID, id == null ? "no \"id\" field"
                    : "\"id\" is " + describe(id), event));
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
        if (to.getLineNr() != from.getLineNr()) { // the parser counts line breaks: most events have none
            oneLine(event);
        }
        events.add(new HaloEvent(idText, created, type, event));
    }

    /**
     * Goes past an event the parser cannot read on (too large, too deep) without it: the event's
     * bytes are scanned for its closing brace (only strings and brackets matter for that), keeping
     * the first {@code maxEventBytes}, and a new parser continues the events array after it.
     */
    private void readPast(int position, String id, BadEvent.Reason reason, String detail) throws IOException {
        json.close();
        MessageDigest sha256 = sha256();
        byte[] kept = new byte[input.maxEventBytes() + 1]; // one more: to see whether the cut splits a character
        int keptLength = 0;
        long size = 0;
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        byte[] chunk = input.takeEventBytes();
        int length = chunk.length;
        while (true) {
            int end = -1;
            for (int i = 0; i < length && end < 0; i++) {
                byte b = chunk[i];
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (b == '\\') {
                        escaped = true;
                    } else if (b == '"') {
                        inString = false;
                    }
                } else if (b == '"') {
                    inString = true;
                } else if (b == '{' || b == '[') {
                    depth++;
                } else if ((b == '}' || b == ']') && --depth == 0) {
                    end = i + 1;
                }
            }
            int used = end < 0 ? length : end;
            sha256.update(chunk, 0, used);
            int keep = (int) Math.min(used, kept.length - keptLength);
            System.arraycopy(chunk, 0, kept, keptLength, keep);
            keptLength += keep;
            size += used;
            if (end >= 0) {
                input.restart(RESUME, chunk, end, length - end);
                break;
            }
            if (chunk.length < 64 * 1024) {
                chunk = new byte[64 * 1024];
            }
            length = input.readBody(chunk, 0, chunk.length);
            if (length < 0) {
                throw new MalformedResponseException("an events page ends inside event " + position + " (truncated?)");
            }
        }
        byte[] raw = Arrays.copyOf(kept, cut(kept, keptLength, input.maxEventBytes()));
        badEvents.add(new BadEvent(position, id, reason, (reason == BadEvent.Reason.TOO_LARGE ? size + " bytes, " : "")
                + detail, size, raw, HexFormat.of().formatHex(sha256.digest())));
        json = PAGES.createParser(input);
        // the new parser is on {"events":[0 ... : the page object, the array, the placeholder
        for (int i = 0; i < 4; i++) {
            json.nextToken();
        }
    }

    private BadEvent bad(int position, String id, BadEvent.Reason reason, String detail, byte[] event) {
        return new BadEvent(position, id, reason, detail, event.length,
                Arrays.copyOf(event, cut(event, event.length, input.maxEventBytes())),
                HexFormat.of().formatHex(sha256().digest(event)));
    }

    private boolean hasNext(JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            json.skipChildren();
            return false;
        }
        boolean hasNext = false;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (field.equals("next") && value == JsonToken.VALUE_STRING) {
                hasNext = !json.getText().isBlank();
            } else {
                json.skipChildren();
            }
        }
        return hasNext;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "blank";
            case VALUE_NUMBER_FLOAT -> "a number with a fraction";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
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
}
