package io.haloconnector.splunkapp;

import io.haloconnector.splunkapp.SplunkApp.Dashboard;
import io.haloconnector.splunkapp.SplunkApp.Search;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fields the app's searches use are fields the connector's events carry: checked against
 * the bundled simulator's events, which follow the Halo API description.
 */
class SearchFieldsTest {

    /** The eight names the original CloudPassage dashboards counted as violations, as the Halo API description lists them. */
    static final List<String> VIOLATION_NAMES = List.of(
            "File Integrity object signature changed", "File Integrity object missing", "File Integrity object added",
            "Configuration rule matched", "Software vulnerability detected", "Daemon compromised",
            "Server firewall modified", "Multiple root accounts detected");

    private static final Pattern FIELDALIAS_PAIR = Pattern.compile("(\\S+)\\s+(?i:AS|ASNEW)\\s+(\\S+)");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern LOOKUP = Pattern.compile("\\w+\\s+(\\w+)\\s+OUTPUT\\s+(\\w+(?:\\s+\\w+)*)");

    @Test
    void everyFieldASearchUsesIsOnTheSimulatorsEvents() throws IOException {
        Set<String> onEvents = SimulatorEvents.fieldsWithValues();
        Map<String, Set<String>> derived = propsDerivedFields();
        Map<String, Set<String>> usedBy = new LinkedHashMap<>();
        for (Map.Entry<String, String> search : allSearches().entrySet()) {
            for (String field : SplFields.referencedIn(search.getValue(), derived.keySet())) {
                usedBy.computeIfAbsent(field, f -> new LinkedHashSet<>()).add(search.getKey());
            }
        }

        assertThat(usedBy).containsKeys("server_hostname", "server_group_name", "policy_name", "actor_ip_address",
                "server_ip_address", "server_id", "name", "critical", "criticality", "action", "severity", "dest", "type");
        usedBy.forEach((field, searches) -> {
            Set<String> sources = derived.getOrDefault(field, Set.of(field));
            assertThat(onEvents).as("field %s (used by %s) on the simulator's events", field, searches)
                    .containsAll(sources);
        });
    }

    @Test
    void everyPropsAliasAndEvalReadsFieldsTheEventsHave() throws IOException {
        Set<String> onEvents = SimulatorEvents.fieldsWithValues();
        Map<String, Set<String>> derived = propsDerivedFields();

        assertThat(derived).containsKeys("server_group", "server", "policy", "criticality", "action", "severity", "cve");
        assertThat(derived.get("action")).containsExactly("type");
        assertThat(derived.get("server_group")).containsExactly("server_group_name");
        derived.forEach((name, sources) -> assertThat(onEvents).as("sources of %s", name).containsAll(sources));
    }

    @Test
    void theEightViolationNamesAreNamesTheSimulatorGenerates() throws IOException {
        Set<String> names = SimulatorEvents.all().stream().map(event -> event.get("name").asText())
                .collect(Collectors.toSet());
        String violationSearch = SplunkApp.conf("default/eventtypes.conf").stanza("cp_halo_violation").get("search");
        Matcher quoted = QUOTED.matcher(violationSearch.substring(violationSearch.indexOf(" name IN (")));
        List<String> inEventtype = quoted.results().map(m -> m.group().substring(1, m.group().length() - 1)).toList();

        assertThat(names).containsAll(VIOLATION_NAMES);
        assertThat(inEventtype).containsExactlyElementsOf(VIOLATION_NAMES);
    }

    @Test
    void theSimulatorsCriticalFieldIsTheBooleanTheSearchesCompareAsText() {
        // KV_MODE=json turns true/false into the strings "true"/"false" that critical=true and lower(critical) see
        assertThat(SimulatorEvents.all()).extracting(event -> event.get("critical").isBoolean()).containsOnly(true);
        assertThat(SimulatorEvents.all()).extracting(event -> event.get("critical").asBoolean()).contains(true, false);
    }

    /** Every search of the app by where it is: dashboards (post-processing joined to its base) and eventtypes. */
    private static Map<String, String> allSearches() throws IOException {
        Map<String, String> searches = new LinkedHashMap<>();
        for (Dashboard dashboard : SplunkApp.dashboards()) {
            List<Search> all = dashboard.searches();
            for (int i = 0; i < all.size(); i++) {
                Search search = all.get(i);
                String query = search.base() == null ? search.query()
                        : dashboard.searchWithId(search.base()).query() + " | " + search.query();
                searches.put(dashboard.name() + " search " + (i + 1), query);
            }
            // a dropdown's label and value come from fields of its populating search
            for (Element input : SplunkApp.elements(dashboard.root(), "input")) {
                for (String tag : new String[] {"fieldForLabel", "fieldForValue"}) {
                    String field = SplunkApp.childText(input, tag);
                    if (field != null) {
                        searches.put(dashboard.name() + " input " + input.getAttribute("token") + " " + tag, field);
                    }
                }
            }
        }
        SplunkApp.conf("default/eventtypes.conf").stanzas()
                .forEach((name, settings) -> searches.put("eventtype " + name, settings.get("search")));
        return searches;
    }

    /** Names props.conf makes at search time (FIELDALIAS, EVAL) to the event fields they read. */
    private static Map<String, Set<String>> propsDerivedFields() throws IOException {
        Map<String, Set<String>> derived = new LinkedHashMap<>();
        SplunkApp.conf("default/props.conf").stanza("cp_halo").forEach((key, value) -> {
            if (key.startsWith("FIELDALIAS-")) {
                Matcher pairs = FIELDALIAS_PAIR.matcher(value);
                while (pairs.find()) {
                    derived.put(pairs.group(2), Set.of(pairs.group(1)));
                }
            } else if (key.startsWith("EVAL-")) {
                derived.put(key.substring("EVAL-".length()), SplFields.referencedIn(value));
            } else if (key.startsWith("LOOKUP-")) {
                // <lookup> <input field> OUTPUT <fields>: each output comes from the input field
                Matcher lookup = LOOKUP.matcher(value);
                assertThat(lookup.matches()).as(key).isTrue();
                for (String output : lookup.group(2).split("\\s+")) {
                    derived.put(output, Set.of(lookup.group(1)));
                }
            }
        });
        return derived;
    }
}
