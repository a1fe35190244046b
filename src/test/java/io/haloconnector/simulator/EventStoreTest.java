package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventStoreTest {

    private static final Instant FROM = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-09-08T00:00:00Z");
    /** Every type the simulator generates: each Halo type the Splunk app maps, and sca_rule_failed, multiple_root_accounts, issue_resolved. */
    private static final List<String> TYPES = List.of(
            "fim_signature_changed", "fim_object_missing", "fim_object_added", "fim_target_integrity_changed",
            "sca_rule_failed", "vulnerable_software_package_found", "daemon_compromised", "server_firewall_modified_locally",
            "multiple_root_accounts", "lids_rule_failed", "issue_resolved", "server_account_created", "server_account_deleted",
            "halo_login_success", "halo_login_failure", "api_login_success", "api_login_failure", "ghostport_success",
            "ghostport_failure", "firewall_policy_created", "firewall_policy_modified", "firewall_policy_deleted",
            "halo_user_invited", "halo_user_modified", "halo_user_deleted", "halo_user_locked");
    /** The eight types of the names the original CloudPassage dashboards counted as violations. */
    private static final List<String> VIOLATION_TYPES = List.of(
            "fim_signature_changed", "fim_object_missing", "fim_object_added", "sca_rule_failed",
            "vulnerable_software_package_found", "daemon_compromised", "server_firewall_modified_locally",
            "multiple_root_accounts");

    @Test
    void theSameSeedGivesTheSameEvents() {
        EventStore first = new EventStore();
        EventStore second = new EventStore();
        EventStore other = new EventStore();

        assertThat(first.generate(42, FROM, TO, 5_000)).isEqualTo(5_000);
        second.generate(42, FROM, TO, 5_000);
        other.generate(43, FROM, TO, 5_000);

        assertThat(first.all()).isEqualTo(second.all());
        assertThat(first.all()).isNotEqualTo(other.all());
    }

    @Test
    void keepsEventsSortedByCreatedAtThenIdWithUniqueIds() {
        EventStore store = new EventStore();
        store.generate(1, FROM, TO, 20_000);
        store.generate(2, FROM, TO, 5_000);

        List<ObjectNode> all = store.all();

        assertThat(all).hasSize(25_000);
        assertThat(all.stream().map(e -> e.get("id").asText()).distinct().count()).isEqualTo(25_000);
        for (int i = 1; i < all.size(); i++) {
            String previous = all.get(i - 1).get("created_at").asText() + all.get(i - 1).get("id").asText();
            String current = all.get(i).get("created_at").asText() + all.get(i).get("id").asText();
            assertThat(previous).isLessThan(current);
        }
    }

    @Test
    void generatesEveryTypeWithTheDocumentedFieldsAndTypes() {
        EventStore store = new EventStore();
        store.generate(9, FROM, TO, 20_000);
        List<ObjectNode> all = store.all();

        Map<String, Long> byType = all.stream().collect(Collectors.groupingBy(e -> e.get("type").asText(),
                Collectors.counting()));
        assertThat(byType).containsOnlyKeys(TYPES);
        long violations = VIOLATION_TYPES.stream().mapToLong(byType::get).sum();
        assertThat(violations).isGreaterThan(all.size() * 7L / 10);
        // rarer kinds are rarer: logins a few percent, policy and account changes below one percent each
        assertThat(byType.get("halo_login_success")).isBetween(all.size() / 100L, all.size() * 5L / 100);
        assertThat(byType.get("firewall_policy_deleted")).isLessThan(all.size() / 100L);
        for (JsonNode event : all) {
            assertThat(event.get("id").asText()).matches("[0-9a-f]{32}");
            assertThat(event.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(event.get("critical").isBoolean()).isTrue();
            assertThat(event.get("name").isTextual()).isTrue();
            assertThat(event.get("message").isTextual()).isTrue();
        }
        JsonNode vulnerable = all.stream().filter(e -> e.get("type").asText().equals("vulnerable_software_package_found"))
                .findFirst().orElseThrow();
        assertThat(vulnerable.get("package_name").isTextual()).isTrue();
        assertThat(vulnerable.get("cves").get(0).get("CVE").asText()).matches("CVE-\\d{4}-\\d+");
        assertThat(vulnerable.get("cves").get(0).get("CVSS").isNumber()).isTrue();
        assertThat(vulnerable.get("scan_id").asText()).matches("[0-9a-f]{32}");
        assertThat(vulnerable.get("server_id").asText()).matches("[0-9a-f]{32}");
        Set<String> fields = new HashSet<>();
        all.forEach(e -> e.fieldNames().forEachRemaining(fields::add));
        assertThat(fields).contains("server_hostname", "server_label", "server_ip_address", "server_primary_ip_address",
                "server_reported_fqdn", "server_platform", "server_group_name", "ec2_instance_id", "ec2_account_id",
                "actor_username", "actor_key_id", "actor_key_label", "actor_ip_address", "actor_country",
                "actor_issuer", "policy_name", "rule_name", "object_name", "finding_id");
        String messages = all.stream().map(e -> e.get("message").asText()).collect(Collectors.joining("\n"));
        assertThat(messages).contains("ü", "–", "\"", "\\", "😈");
    }

    @Test
    void loginsAndPortalChangesNameTheirActorAndServerEventsTheirServer() {
        EventStore store = new EventStore();
        store.generate(9, FROM, TO, 20_000);

        for (JsonNode event : store.all()) {
            String type = event.get("type").asText();
            boolean byApiKey = type.startsWith("api_login_");
            boolean inThePortal = byApiKey || type.matches("halo_login_.*|ghostport_.*|firewall_policy_.*|halo_user_.*");
            assertThat(event.has("server_id")).as(type).isEqualTo(!inThePortal);
            if (inThePortal) {
                assertThat(event.get("actor_ip_address").asText()).as(type).matches("203\\.0\\.113\\.\\d+");
                assertThat(event.get("actor_country").isTextual()).as(type).isTrue();
                assertThat(event.get("message").asText()).as(type).contains("from IP address " + event.get("actor_ip_address").asText());
            }
            if (byApiKey) {
                assertThat(event.has("actor_username")).isFalse();
                assertThat(event.get("actor_key_id").asText()).matches("[0-9a-f]{8}");
                assertThat(event.get("message").asText()).contains(event.get("actor_key_id").asText() + " (" + event.get("actor_key_label").asText() + ")");
            } else if (inThePortal) {
                assertThat(event.get("actor_username").asText()).as(type).contains("@");
            }
            if (type.startsWith("firewall_policy_")) {
                assertThat(event.get("message").asText()).contains(event.get("policy_name").asText());
            }
            if (type.startsWith("server_account_") || type.startsWith("halo_user_")) {
                assertThat(event.get("message").asText()).as(type).contains(event.get("object_name").asText());
            }
        }
    }

    @Test
    void aGoodShareOfEventsComeInBurstsSharingOneCreatedAt() {
        EventStore store = new EventStore();
        store.generate(5, FROM, TO, 50_000);

        Map<String, Long> perTimestamp = store.all().stream()
                .collect(Collectors.groupingBy(e -> e.get("created_at").asText(), Collectors.counting()));

        long inBursts = perTimestamp.values().stream().filter(n -> n > 1).mapToLong(Long::longValue).sum();
        assertThat(inBursts).isGreaterThan(15_000);
        assertThat(perTimestamp.values().stream().mapToLong(Long::longValue).max().orElse(0)).isBetween(40L, 60L);
    }

    @Test
    void addKeepsAnyObjectAndRefusesOnesWithoutIdOrCreatedAt() {
        EventStore store = new EventStore();
        ObjectNode old = HaloJson.MAPPER.createObjectNode().put("id", "b").put("created_at",
                "2014-03-01T10:00:00.123456Z").put("custom", "kept");
        ObjectNode newer = HaloJson.MAPPER.createObjectNode().put("id", "a").put("created_at",
                "2014-03-01T10:00:00.123457Z");

        store.add(newer);
        store.add(old);

        assertThat(store.all()).extracting(e -> e.get("id").asText()).containsExactly("b", "a");
        assertThat(store.all().get(0).get("custom").asText()).isEqualTo("kept");
        assertThatThrownBy(() -> store.add(HaloJson.MAPPER.createObjectNode().put("id", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.add(HaloJson.MAPPER.createObjectNode().put("created_at", "2026-01-01")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.size()).isEqualTo(2);
    }
}
