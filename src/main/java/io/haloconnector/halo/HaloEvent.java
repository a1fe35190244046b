package io.haloconnector.halo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Arrays;

/**
 * One Halo event as the API returned it: the id and {@code created_at} the connector needs for
 * dedup and the cursor, its type, and the event object's own bytes (UTF-8 JSON on one line),
 * passed on unchanged to every output without being parsed into a tree or written again.
 */
public final class HaloEvent {
    private final String id;
    private final Instant createdAt;
    private final String type;
    private final byte[] json;

    /** {@code json} must be one JSON object on one line; {@link EventPageParser} guarantees it. */
    HaloEvent(String id, Instant createdAt, String type, byte[] json) {
        this.id = id;
        this.createdAt = createdAt;
        this.type = type;
        this.json = json;
    }

    /** An event from a JSON tree (tests, tools): validated exactly as a page's events are. */
    public static HaloEvent of(JsonNode node) {
        try {
            return EventPageParser.event(HaloJson.MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("an event cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    public String id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The event's type, or an empty string when the API left it out. */
    public String type() {
        return type;
    }

    /** The event object exactly as the API sent it, on one line (do not modify the array). */
    public byte[] json() {
        return json;
    }

    /** The event object parsed into a tree, for the rare caller that needs one (the dead-letter file, tests). */
    public JsonNode tree() {
        try {
            return HaloJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("event " + id + " is not valid JSON", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HaloEvent that && id.equals(that.id) && createdAt.equals(that.createdAt)
                && Arrays.equals(json, that.json);
    }

    /** The id alone: cheap, and Camel hashes message bodies in places. */
    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "HaloEvent[id=" + id + ", created_at=" + createdAt + "]";
    }
}
