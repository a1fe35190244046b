package io.haloconnector.splunkapp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.splunkapp.SearchTime.Event;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Common Information Model mapping, as Enterprise Security would see it: every Halo event of a
 * mapped type, taken through the app's props.conf, lookup, event types and tags by
 * {@link SearchTime}, carries its data model's tags and the model's fields with values of the
 * kind the model prescribes. The models' tags and fields are those of Splunk's CIM reference.
 */
class CimMappingTest {

    private static final Predicate<String> TEXT = value -> !value.isBlank();
    private static final Predicate<String> SEVERITY = Set.of("critical", "high", "medium", "low", "informational")::contains;
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    /** A CIM data model: the tags that put an event in it, and the fields the app fills with their kind of value. */
    private record Model(String name, Set<String> tags, Map<String, Predicate<String>> fields) {
    }

    private static final Model AUTHENTICATION = new Model("Authentication", Set.of("authentication"), Map.of(
            "action", Set.of("success", "failure")::contains,
            "app", value -> value.startsWith("halo:"),
            "src", IPV4.asMatchPredicate(),
            "user", TEXT,
            "dest", TEXT));
    private static final Model CHANGE = new Model("Change", Set.of("change"), Map.of(
            "action", Set.of("created", "deleted", "modified", "lockout")::contains,
            "object", TEXT,
            "object_category", Set.of("file", "registry", "firewall", "user")::contains,
            "dest", TEXT,
            "user", TEXT,
            "status", Set.of("success", "failure")::contains,
            "change_type", TEXT,
            "dvc", TEXT,
            "vendor_product", "CloudPassage Halo"::equals));
    private static final Model VULNERABILITIES = new Model("Vulnerabilities", Set.of("vulnerability", "report"), Map.of(
            "signature", TEXT,
            "cve", Pattern.compile("CVE-\\d{4}-\\d{4,}").asMatchPredicate(),
            "cvss", value -> value.matches("\\d+(\\.\\d+)?") && Double.parseDouble(value) <= 10,
            "severity", SEVERITY,
            "dest", TEXT,
            "dvc", TEXT,
            "category", TEXT));
    private static final Model INTRUSION_DETECTION = new Model("Intrusion Detection", Set.of("ids", "attack"), Map.of(
            "signature", TEXT,
            "severity", SEVERITY,
            "dest", TEXT,
            "dvc", TEXT,
            "category", TEXT,
            "action", Set.of("allowed", "blocked")::contains,
            "ids_type", Set.of("network", "host", "application")::contains));
    // Alerts' own "type" field is left out: Halo's type (the event type) keeps its meaning (README)
    private static final Model ALERTS = new Model("Alerts", Set.of("alert"), Map.of(
            "app", TEXT,
            "body", TEXT,
            "dest", TEXT,
            "id", Pattern.compile("[0-9a-f]{32}").asMatchPredicate(),
            "severity", SEVERITY,
            "signature", TEXT));

    /** Each CIM event type of the app, its models and the dataset tags below the model's own. */
    private static final Map<String, List<Model>> MODELS = Map.of(
            "cp_halo_authentication", List.of(AUTHENTICATION),
            "cp_halo_file_integrity_change", List.of(CHANGE),
            "cp_halo_firewall_change", List.of(CHANGE),
            "cp_halo_account_change", List.of(CHANGE),
            "cp_halo_vulnerability", List.of(VULNERABILITIES),
            "cp_halo_intrusion", List.of(INTRUSION_DETECTION, ALERTS));
    private static final Map<String, String> DATASET_TAG = Map.of(
            "cp_halo_file_integrity_change", "endpoint",
            "cp_halo_firewall_change", "network",
            "cp_halo_account_change", "account");

    /** Each mapped Halo event type and the event type the app files it under. */
    private static final Map<String, String> EVENTTYPE_OF = new LinkedHashMap<>();

    static {
        for (String type : List.of("halo_login_success", "halo_login_failure", "api_login_success", "api_login_failure",
                "ghostport_success", "ghostport_failure")) {
            EVENTTYPE_OF.put(type, "cp_halo_authentication");
        }
        for (String type : List.of("fim_object_added", "fim_object_missing", "fim_signature_changed", "fim_target_integrity_changed")) {
            EVENTTYPE_OF.put(type, "cp_halo_file_integrity_change");
        }
        for (String type : List.of("server_firewall_modified_locally", "firewall_policy_created", "firewall_policy_modified",
                "firewall_policy_deleted")) {
            EVENTTYPE_OF.put(type, "cp_halo_firewall_change");
        }
        for (String type : List.of("server_account_created", "server_account_deleted", "halo_user_invited", "halo_user_modified",
                "halo_user_deleted", "halo_user_locked")) {
            EVENTTYPE_OF.put(type, "cp_halo_account_change");
        }
        EVENTTYPE_OF.put("vulnerable_software_package_found", "cp_halo_vulnerability");
        EVENTTYPE_OF.put("lids_rule_failed", "cp_halo_intrusion");
        EVENTTYPE_OF.put("daemon_compromised", "cp_halo_intrusion");
    }

    private static SearchTime searchTime;
    private static Map<String, List<Event>> eventsByType;

    @BeforeAll
    static void applyTheAppToEveryEvent() throws IOException {
        searchTime = SearchTime.load();
        eventsByType = new LinkedHashMap<>();
        SimulatorEvents.byType().forEach((type, events) -> eventsByType.put(type, events.stream().map(searchTime::apply).toList()));
    }

    @Test
    void everyMappedHaloTypeFallsUnderItsCimEventTypeOnly() {
        assertThat(eventsByType).containsKeys(EVENTTYPE_OF.keySet().toArray(String[]::new));
        eventsByType.forEach((type, events) -> {
            Set<String> expected = EVENTTYPE_OF.containsKey(type) ? Set.of(EVENTTYPE_OF.get(type)) : Set.of();
            for (Event event : events) {
                Set<String> cimEventtypes = new TreeSet<>(event.eventtypes());
                cimEventtypes.retainAll(MODELS.keySet());
                assertThat(cimEventtypes).as("CIM event types of a %s event", type).isEqualTo(expected);
            }
        });
        // the simulator's configuration findings, root account findings and resolved issues fit no data model
        assertThat(eventsByType).containsKeys("sca_rule_failed", "multiple_root_accounts", "issue_resolved");
    }

    @Test
    void theAppHasExactlyTheseCimEventTypesAndEachCarriesItsModelsTags() {
        Set<String> tagged = new TreeSet<>(searchTime.tagsByEventtype().keySet());

        assertThat(tagged).containsExactlyInAnyOrderElementsOf(MODELS.keySet());
        MODELS.forEach((eventtype, models) -> {
            Set<String> tags = searchTime.tagsByEventtype().get(eventtype);
            for (Model model : models) {
                assertThat(tags).as("%s in %s", eventtype, model.name()).containsAll(model.tags());
            }
            if (DATASET_TAG.containsKey(eventtype)) {
                assertThat(tags).as(eventtype + "'s Change dataset").contains(DATASET_TAG.get(eventtype));
            }
        });
    }

    @Test
    void everyEventOfAMappedTypeCarriesItsModelsTagsAndFieldsWithValuesOfTheRightKind() {
        EVENTTYPE_OF.forEach((type, eventtype) -> {
            for (Event event : eventsByType.get(type)) {
                for (Model model : MODELS.get(eventtype)) {
                    String where = model.name() + ", a " + type + " event";
                    assertThat(event.tags()).as(where).containsAll(model.tags());
                    model.fields().forEach((field, kind) -> assertThat(event.values(field))
                            .as("%s: %s", where, field).isNotEmpty().allMatch(kind));
                }
            }
        });
    }

    @Test
    void aLoginsActionSaysWhetherItSucceeded() {
        EVENTTYPE_OF.forEach((type, eventtype) -> {
            if (eventtype.equals("cp_halo_authentication")) {
                String expected = type.endsWith("_success") ? "success" : "failure";
                assertThat(eventsByType.get(type)).as(type).allMatch(event -> expected.equals(event.value("action")));
            }
        });
        for (String type : List.of("api_login_success", "api_login_failure")) {
            assertThat(eventsByType.get(type)).as("an API login's user is the API key's label").allMatch(event ->
                    event.value("user").equals(event.value("actor_key_label")) && "api.cloudpassage.com".equals(event.value("dest"))
                            && "halo:api".equals(event.value("app")));
        }
        assertThat(eventsByType.get("halo_login_success")).allMatch(event ->
                event.value("user").equals(event.value("actor_username")) && "portal.cloudpassage.com".equals(event.value("dest"))
                        && "halo:portal".equals(event.value("app")));
        assertThat(eventsByType.get("ghostport_failure")).allMatch(event -> "halo:ghostport".equals(event.value("app")));
    }

    @Test
    void aChangesObjectIsTheFileThePolicyOrTheAccount() {
        List<Event> fim = new ArrayList<>();
        for (String type : List.of("fim_object_added", "fim_object_missing", "fim_signature_changed", "fim_target_integrity_changed")) {
            fim.addAll(eventsByType.get(type));
        }
        for (Event event : fim) {
            String path = event.value("object_name");
            assertThat(event.value("object_path")).isEqualTo(path);
            assertThat(path).endsWith(event.value("object"));
            assertThat(event.value("object")).doesNotContain("/", "\\");
            assertThat(event.value("object_category")).as(path).isEqualTo(path.startsWith("HKLM\\") ? "registry" : "file");
            assertThat(event.value("user")).as("the agent saw the change; Halo names no one").isEqualTo("unknown");
        }
        assertThat(SearchTime.distinct(fim, "object_category")).containsExactlyInAnyOrder("file", "registry");
        assertThat(SearchTime.distinct(fim, "object")).contains("passwd", "cmd.exe", "config.ini", "Run", "\"prod\".yaml");
        assertThat(SearchTime.distinct(fim, "action")).containsExactlyInAnyOrder("created", "deleted", "modified");

        for (Event event : eventsByType.get("server_firewall_modified_locally")) {
            assertThat(event.value("object")).isEqualTo(event.value("policy_name"));
            assertThat(event.value("dest")).isEqualTo(event.value("server_hostname"));
            assertThat(event.value("user")).isEqualTo(event.value("actor_username"));
        }
        for (String type : List.of("firewall_policy_created", "firewall_policy_modified", "firewall_policy_deleted")) {
            assertThat(eventsByType.get(type)).as(type).allMatch(event -> event.value("object").equals(event.value("policy_name"))
                    && "portal.cloudpassage.com".equals(event.value("dest")) && event.value("user").equals(event.value("actor_username")));
        }
        assertThat(eventsByType.get("firewall_policy_deleted")).allMatch(event -> "deleted".equals(event.value("action")));
        for (String type : List.of("server_account_created", "server_account_deleted")) {
            assertThat(eventsByType.get(type)).as(type).allMatch(event -> event.value("object").equals(event.value("object_name"))
                    && "user".equals(event.value("object_category")) && event.value("dest").equals(event.value("server_hostname")));
        }
        assertThat(eventsByType.get("server_account_created")).allMatch(event -> "created".equals(event.value("action")));
        for (String type : List.of("halo_user_invited", "halo_user_modified", "halo_user_deleted", "halo_user_locked")) {
            assertThat(eventsByType.get(type)).as(type).allMatch(event -> event.value("object").equals(event.value("object_name"))
                    && "portal.cloudpassage.com".equals(event.value("dest")) && event.value("user").equals(event.value("actor_username")));
        }
        assertThat(eventsByType.get("halo_user_locked")).allMatch(event -> "lockout".equals(event.value("action")));
    }

    @Test
    void aVulnerabilitysSeverityIsTheBandOfItsWorstCvssScoreAndItsCvesAreTheEventsCves() {
        Set<String> severities = new TreeSet<>();
        for (Event event : eventsByType.get("vulnerable_software_package_found")) {
            double worst = event.values("cvss").stream().mapToDouble(Double::parseDouble).max().orElseThrow();
            String band = worst >= 9 ? "critical" : worst >= 7 ? "high" : worst >= 4 ? "medium" : "low";
            assertThat(event.value("severity")).as("worst CVSS %s", worst).isEqualTo(band);
            // the simulator flags a vulnerability critical from CVSS 9 on, as the critical band starts
            assertThat(event.value("critical").equals("true")).isEqualTo(band.equals("critical"));
            assertThat(event.values("cve")).isEqualTo(event.values("cves{}.CVE"));
            assertThat(event.value("signature")).isEqualTo("Vulnerable software package: " + event.value("package_name"));
            severities.add(band);
        }
        assertThat(severities).contains("critical", "high", "medium");
    }

    @Test
    void anIntrusionsSeverityFollowsHalosCriticalFlagAndALogLinesAddressIsItsSource() {
        for (String type : List.of("lids_rule_failed", "daemon_compromised")) {
            for (Event event : eventsByType.get(type)) {
                assertThat(event.value("severity")).isEqualTo(event.value("critical").equals("true") ? "critical" : "medium");
                assertThat(event.value("body")).isEqualTo(event.value("message"));
            }
        }
        for (Event event : eventsByType.get("lids_rule_failed")) {
            assertThat(event.value("signature")).isEqualTo(event.value("rule_name"));
            assertThat(event.value("src")).as(event.value("message")).isEqualTo("203.0.113.7");
        }
        // a compromised agent has no remote source to name (the CIM asks for src only of network IDS)
        assertThat(eventsByType.get("daemon_compromised")).allMatch(event -> event.value("src") == null
                && "Daemon compromised".equals(event.value("signature")));
    }

    @Test
    void noFieldTheAppMakesHidesAFieldOfTheHaloEvent() {
        Set<String> raw = new TreeSet<>();
        for (ObjectNode event : SimulatorEvents.all()) {
            for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
                raw.add(names.next());
            }
        }
        Set<String> derived = searchTime.derivedFields();

        assertThat(derived).contains("action", "severity", "dest", "src", "user", "object", "signature", "cve");
        assertThat(derived).doesNotContainAnyElementsOf(raw);
    }

    @Test
    void theLookupHasARowForExactlyTheMappedTypes() {
        assertThat(searchTime.lookupKeys()).containsExactlyInAnyOrderElementsOf(EVENTTYPE_OF.keySet());
    }

    @Test
    void theReadmeListsEveryMappedTypeUnderItsEventType() throws IOException {
        String readme = Files.readString(SplunkApp.ROOT.resolve("README.md"));
        List<String> rows = readme.lines().filter(line -> line.startsWith("| `cp_halo_")).toList();

        EVENTTYPE_OF.forEach((type, eventtype) -> assertThat(rows)
                .as("a README table row for %s in %s", type, eventtype)
                .anyMatch(row -> row.startsWith("| `" + eventtype + "`") && row.contains("`" + type + "`")));
    }
}
