package io.haloconnector.halo;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an events page in one streaming pass: for each event it takes the id, {@code created_at}
 * and type and keeps the event object's own bytes, so no event is built into a tree or written
 * out again (a tree and a second serialisation per event were the largest share of the connector's
 * CPU per event). Every event is checked as strictly as before: an
 * object, a non-blank textual id, a parsable created_at; anything else is a malformed answer.
 */
public final class EventPageParser {

    private EventPageParser() {
    }

    public static EventPage parse(byte[] body) {
        try (JsonParser json = HaloJson.MAPPER.getFactory().createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("an events page is not a JSON object");
            }
            List<HaloEvent> events = null;
            long count = -1;
            boolean hasNext = false;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "events" -> events = events(json, body, value);
                    case "count" -> count = value.isNumeric() ? json.getValueAsLong() : -1;
                    case "pagination" -> hasNext = hasNext(json, value);
                    default -> json.skipChildren();
                }
            }
            if (json.nextToken() != null) {
                throw new MalformedResponseException("an events page has data after its JSON object");
            }
            if (events == null) {
                throw new MalformedResponseException("an events page has no \"events\" array");
            }
            return new EventPage(events, count < 0 ? events.size() : count, hasNext);
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("an events page is not valid JSON (truncated?): " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedResponseException("an events page could not be read: " + e.getMessage());
        }
    }

    /** One event object on its own (see {@link HaloEvent#of}). */
    static HaloEvent event(byte[] object) {
        try (JsonParser json = HaloJson.MAPPER.getFactory().createParser(object)) {
            HaloEvent event = event(json, object, json.nextToken());
            if (json.nextToken() != null) {
                throw new MalformedResponseException("an event has data after its JSON object");
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("an event is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedResponseException("an event could not be read: " + e.getMessage());
        }
    }

    private static List<HaloEvent> events(JsonParser json, byte[] body, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new MalformedResponseException("an events page has no \"events\" array");
        }
        List<HaloEvent> events = new ArrayList<>();
        for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
            events.add(event(json, body, token));
        }
        return events;
    }

    /** The parser is on the event's START_OBJECT; it is left on its END_OBJECT. */
    private static HaloEvent event(JsonParser json, byte[] body, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new MalformedResponseException("an event is not a JSON object");
        }
        JsonLocation from = json.currentTokenLocation();
        String id = null;
        String createdAt = null;
        String type = "";
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "id" -> id = value == JsonToken.VALUE_STRING ? json.getText() : null;
                case "created_at" -> createdAt = value == JsonToken.VALUE_STRING ? json.getText() : null;
                case "type" -> type = value == JsonToken.VALUE_STRING ? json.getText() : "";
                default -> json.skipChildren();
            }
        }
        JsonLocation to = json.currentLocation(); // just past the closing brace
        if (id == null || id.isBlank()) {
            throw new MalformedResponseException("an event has no \"id\"");
        }
        if (createdAt == null) {
            throw new MalformedResponseException("event " + id + " has no \"created_at\"");
        }
        byte[] event = Arrays.copyOfRange(body, (int) from.getByteOffset(), (int) to.getByteOffset());
        if (to.getLineNr() != from.getLineNr()) { // the parser counts line breaks: most events have none
            oneLine(event);
        }
        return new HaloEvent(id, HaloEvent.parseCreatedAt(id, createdAt), type, event);
    }

    private static boolean hasNext(JsonParser json, JsonToken start) throws IOException {
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
