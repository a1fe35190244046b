package io.haloconnector.splunkapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A few thousand events of the bundled Halo simulator, made once per test JVM: what the
 * connector would send to Splunk, so what the app's searches can rely on. They include every Halo
 * type the app maps to the CIM.
 */
public final class SimulatorEvents {

    private static final int COUNT = 5_000;
    private static List<ObjectNode> events;
    private static Map<String, List<ObjectNode>> byType;

    private SimulatorEvents() {
    }

    /** The events, sorted by created_at. */
    public static synchronized List<ObjectNode> all() {
        if (events == null) {
            try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
                simulator.events().generate(6, Instant.parse("2026-09-01T00:00:00Z"),
                        Instant.parse("2026-09-08T00:00:00Z"), COUNT);
                events = List.copyOf(simulator.events().all());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /** The events by their type, each list in created_at order. */
    public static synchronized Map<String, List<ObjectNode>> byType() {
        if (byType == null) {
            Map<String, List<ObjectNode>> grouped = new LinkedHashMap<>();
            for (ObjectNode event : all()) {
                grouped.computeIfAbsent(event.get("type").asText(), type -> new ArrayList<>()).add(event);
            }
            byType = Map.copyOf(grouped);
        }
        return byType;
    }

    /**
     * The field names that hold a value (not null) on at least one event, with Splunk's names for
     * the fields of objects in arrays: {@code cves{}.CVE}.
     */
    public static Set<String> fieldsWithValues() {
        Set<String> fields = new TreeSet<>();
        for (ObjectNode event : all()) {
            collect("", event, fields);
        }
        return fields;
    }

    private static void collect(String prefix, JsonNode node, Set<String> fields) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            fields.add(name);
            if (value.isArray()) {
                for (JsonNode element : value) {
                    if (element.isObject()) {
                        collect(name + "{}.", element, fields);
                    }
                }
            } else if (value.isObject()) {
                collect(name + ".", value, fields);
            }
        }
    }
}
