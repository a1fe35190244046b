package io.haloconnector.splunkapp;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Events of every Halo type the app maps to the CIM. The simulator's own events for the eleven
 * types it generates; for the others (failed and API logins, GhostPort logins, firewall policy,
 * account changes) the Halo API description lists the types but not their fields, so these are
 * simulator events of the closest type it generates, renamed, with the one field the mapping
 * needs added where the sibling lacks it. Those added fields are assumptions, and
 * splunk-app/README.md says so.
 */
final class HaloEvents {

    private static final int PER_DERIVED_TYPE = 20;
    private static Map<String, List<ObjectNode>> byType;

    private HaloEvents() {
    }

    /** Every simulator event by type, then the derived types; each list non-empty. */
    static synchronized Map<String, List<ObjectNode>> byType() {
        if (byType == null) {
            Map<String, List<ObjectNode>> events = new LinkedHashMap<>();
            for (ObjectNode event : SimulatorEvents.all()) {
                events.computeIfAbsent(event.get("type").asText(), type -> new ArrayList<>()).add(event);
            }
            Map<String, List<ObjectNode>> simulated = Map.copyOf(events);
            derive(simulated, events, "halo_login_success", "halo_login_failure", "Halo login failure", event -> { });
            derive(simulated, events, "halo_login_success", "api_login_success", "Halo api authentication success", HaloEvents::byApiKey);
            derive(simulated, events, "halo_login_success", "api_login_failure", "Halo api authentication failure", HaloEvents::byApiKey);
            derive(simulated, events, "halo_login_success", "ghostport_success", "Ghostports login success", event -> { });
            derive(simulated, events, "halo_login_success", "ghostport_failure", "Ghostports login failure", event -> { });
            derive(simulated, events, "fim_signature_changed", "fim_target_integrity_changed", "File integrity change detected", event -> { });
            for (String action : List.of("created", "modified", "deleted")) {
                derive(simulated, events, "server_firewall_modified_locally", "firewall_policy_" + action,
                        "Halo firewall policy " + action, HaloEvents::inThePortal);
            }
            derive(simulated, events, "multiple_root_accounts", "server_account_created", "Local account created", HaloEvents::aboutAnAccount);
            derive(simulated, events, "multiple_root_accounts", "server_account_deleted", "Local account deleted", HaloEvents::aboutAnAccount);
            for (String change : List.of("invited", "modified", "deleted", "locked")) {
                derive(simulated, events, "halo_login_success", "halo_user_" + change,
                        change.equals("locked") ? "Halo user account locked" : "Halo user " + change, HaloEvents::aboutAnAccount);
            }
            byType = Map.copyOf(events);
        }
        return byType;
    }

    /** All events of the types the app maps and the simulator's others, in one list. */
    static List<ObjectNode> all() {
        return byType().values().stream().flatMap(List::stream).toList();
    }

    private static void derive(Map<String, List<ObjectNode>> simulated, Map<String, List<ObjectNode>> events,
                               String sibling, String type, String name, Consumer<ObjectNode> adjust) {
        List<ObjectNode> derived = new ArrayList<>();
        for (ObjectNode original : simulated.get(sibling).subList(0, PER_DERIVED_TYPE)) {
            ObjectNode event = original.deepCopy();
            event.put("type", type);
            event.put("name", name);
            event.put("message", name);
            adjust.accept(event);
            derived.add(event);
        }
        events.put(type, derived);
    }

    /** An API login names the API key, not a person. */
    private static void byApiKey(ObjectNode event) {
        event.remove("actor_username");
        event.put("actor_key_id", "5e8ca4b5a3c9c2a1f0a81b03");
        event.put("actor_key_label", "splunk-readonly");
    }

    /** A policy change made in the Halo portal: a user, no server. */
    private static void inThePortal(ObjectNode event) {
        List<String> serverFields = new ArrayList<>();
        event.fieldNames().forEachRemaining(field -> {
            if (field.startsWith("server_") || field.startsWith("ec2_")) {
                serverFields.add(field);
            }
        });
        event.remove(serverFields);
        event.put("actor_ip_address", "203.0.113.20");
    }

    /** The account an account event is about, assumed in object_name, Halo's name for what an event is about. */
    private static void aboutAnAccount(ObjectNode event) {
        event.put("object_name", "deploy");
    }
}
