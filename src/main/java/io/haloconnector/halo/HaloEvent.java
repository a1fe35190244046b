package io.haloconnector.halo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One Halo event as the API returned it: the id and {@code created_at} the connector needs for
 * dedup and the cursor, and the whole JSON object, passed on unchanged.
 */
public record HaloEvent(String id, Instant createdAt, ObjectNode json) {

    /** Reads id and created_at from an event object; a missing or unparsable one is a malformed API answer. */
    public static HaloEvent of(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            throw new MalformedResponseException("an event is not a JSON object");
        }
        JsonNode id = object.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new MalformedResponseException("an event has no \"id\"");
        }
        JsonNode createdAt = object.get("created_at");
        if (createdAt == null || !createdAt.isTextual()) {
            throw new MalformedResponseException("event " + id.asText() + " has no \"created_at\"");
        }
        try {
            return new HaloEvent(id.asText(), Instant.parse(createdAt.asText()), object);
        } catch (DateTimeParseException e) {
            throw new MalformedResponseException("event " + id.asText() + " has an unparsable created_at '"
                    + createdAt.asText() + "'");
        }
    }

    /** The event's type, or an empty string when the API left it out. */
    public String type() {
        JsonNode type = json.get("type");
        return type == null ? "" : type.asText();
    }
}
