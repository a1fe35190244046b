package io.haloconnector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;

import java.time.Instant;

/** Small hand-made events for unit tests (integration tests use the simulator's). */
public final class TestEvents {
    private TestEvents() {
    }

    public static HaloEvent event(String id, String createdAt) {
        ObjectNode json = HaloJson.MAPPER.createObjectNode();
        json.put("id", id);
        json.put("type", "fim_object_added");
        json.put("created_at", createdAt);
        json.put("message", "File \"/etc/passwd\" changed – ü");
        return HaloEvent.of(json);
    }

    public static HaloEvent event(String id, Instant createdAt) {
        return event(id, createdAt.toString());
    }
}
