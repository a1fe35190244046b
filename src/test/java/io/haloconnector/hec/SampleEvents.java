package io.haloconnector.hec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Halo events shaped like the API's, numbered so tests can check order and uniqueness. */
final class SampleEvents {

    static final Instant FIRST = Instant.parse("2018-01-17T21:02:36.771Z");

    private SampleEvents() {
    }

    static String id(int n) {
        return String.format("%032x", n);
    }

    static HaloEvent event(int n) {
        return event(n, FIRST.plusMillis(n * 1001L), "");
    }

    static HaloEvent event(int n, Instant createdAt, String padding) {
        ObjectNode json = HaloJson.MAPPER.createObjectNode();
        json.put("id", id(n));
        json.put("type", n % 2 == 0 ? "issue_resolved" : "fim_signature_changed");
        json.put("name", "Issue resolved");
        json.put("created_at", createdAt.toString());
        json.put("critical", n % 3 == 0);
        json.put("message", "SVA issue on Linux server web-" + n + " resolved by system." + padding);
        json.put("server_hostname", "web-" + n);
        json.putNull("actor_issuer");
        return HaloEvent.of(json);
    }

    static List<HaloEvent> events(int from, int count) {
        List<HaloEvent> events = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            events.add(event(n));
        }
        return events;
    }
}
