package io.haloconnector.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.testkit.splunkd.SplunkdStandIn;
import io.haloconnector.testkit.splunkd.SplunkdStandIn.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's setup page as an admin uses it: its script (run by Node) against a stand-in for splunkd's
 * REST API over loopback (Splunk cannot run here). What it must write: the secret in storage/passwords
 * under realm cloudpassage_halo and the input's name, every other setting in the input's stanza, the
 * app marked configured; a second save edits both in place; a wrong form writes nothing.
 */
class SetupPageTest {
    private static final String INPUT = "prod halo";
    private static final String SECRET = "halo-secret-Vb72+&=/";

    private SplunkdStandIn splunkd;

    @BeforeEach
    void startSplunkd() throws IOException {
        splunkd = SplunkdStandIn.start(SplunkPasswords.APP, "cloudpassage_halo", Set.of("api_key", "start", "api_hostname"), "session-Hq3");
    }

    @AfterEach
    void stopSplunkd() {
        splunkd.close();
    }

    @Test
    void theSecretGoesToPasswordStorageAndTheStanzaGetsEverythingElse() throws Exception {
        JsonNode saved = SetupPageScript.save(splunkd, form("key-1", SECRET, "2026-09-01", "api.cloudpassage.com"));

        assertThat(saved.get("saved").asBoolean()).as(saved.toString()).isTrue();
        assertThat(saved.get("secret").asText()).isEqualTo("created");
        assertThat(saved.get("input").asText()).isEqualTo("created");
        assertThat(splunkd.password(SplunkPasswords.APP, INPUT)).contains(SECRET);
        assertThat(splunkd.passwordCount()).isOne();
        assertThat(splunkd.inputs()).containsOnlyKeys(INPUT);
        assertThat(splunkd.inputs().get(INPUT)).containsExactlyInAnyOrderEntriesOf(Map.of("api_key", "key-1",
                "start", "2026-09-01", "api_hostname", "api.cloudpassage.com", "interval", "60", "index", "cloudpassage",
                "sourcetype", "cp_halo"));
        assertThat(splunkd.appConfigured()).isTrue();
        assertSecretOnlyInPasswordStorageBodies();
        // the secret is stored before the input is saved, so splunkd's validation of the input can use it
        List<String> posts = splunkd.requests().stream().filter(r -> r.method().equals("POST")).map(Request::pathAndQuery).toList();
        assertThat(posts).containsExactly("/servicesNS/nobody/cloudpassage_halo/storage/passwords",
                "/servicesNS/nobody/cloudpassage_halo/data/inputs/cloudpassage_halo", "/services/apps/local/cloudpassage_halo");
        assertThat(splunkd.badAuthorizations()).isEmpty();
    }

    @Test
    void aSecondSaveEditsTheStoredSecretAndTheStanzaInPlace() throws Exception {
        SetupPageScript.save(splunkd, form("key-1", SECRET, "2026-09-01", "api.cloudpassage.com"));
        int before = splunkd.requests().size();

        JsonNode again = SetupPageScript.save(splunkd, form("key-2", "new-secret-Jw4", "2026-10-01T08:30:00Z", ""));

        assertThat(again.get("saved").asBoolean()).as(again.toString()).isTrue();
        assertThat(again.get("secret").asText()).isEqualTo("updated");
        assertThat(again.get("input").asText()).isEqualTo("updated");
        assertThat(splunkd.passwordCount()).isOne();
        assertThat(splunkd.password(SplunkPasswords.APP, INPUT)).contains("new-secret-Jw4");
        assertThat(splunkd.inputs()).containsOnlyKeys(INPUT);
        assertThat(splunkd.inputs().get(INPUT)).containsEntry("api_key", "key-2").containsEntry("start", "2026-10-01T08:30:00Z")
                .containsEntry("api_hostname", "").doesNotContainKey("name");
        // edits go to each entity's own URL (the colons of realm:user: and the space percent-encoded)
        List<String> posts = splunkd.requests().subList(before, splunkd.requests().size()).stream()
                .filter(r -> r.method().equals("POST")).map(Request::pathAndQuery).toList();
        assertThat(posts).containsExactly("/servicesNS/nobody/cloudpassage_halo/storage/passwords/cloudpassage_halo%3Aprod%20halo%3A",
                "/servicesNS/nobody/cloudpassage_halo/data/inputs/cloudpassage_halo/prod%20halo", "/services/apps/local/cloudpassage_halo");
        assertSecretOnlyInPasswordStorageBodies();
    }

    @Test
    void aBlankSecretKeepsTheStoredOneAndIsRefusedWhenNoneIsStored() throws Exception {
        JsonNode refused = SetupPageScript.save(splunkd, form("key-1", "", "", ""));
        assertThat(refused.get("saved").asBoolean()).isFalse();
        assertThat(refused.get("problems").get(0).get("field").asText()).isEqualTo("secret");
        assertThat(refused.get("problems").get(0).get("message").asText()).contains("API secret is missing");
        assertThat(splunkd.requests()).allMatch(r -> r.method().equals("GET"));
        assertThat(splunkd.inputs()).isEmpty();

        SetupPageScript.save(splunkd, form("key-1", SECRET, "", ""));
        JsonNode kept = SetupPageScript.save(splunkd, form("key-1", "", "2026-09-01", ""));
        assertThat(kept.get("secret").asText()).isEqualTo("kept");
        assertThat(splunkd.password(SplunkPasswords.APP, INPUT)).contains(SECRET);
        assertThat(splunkd.inputs().get(INPUT)).containsEntry("start", "2026-09-01");
    }

    @Test
    void aBadStartOrHostnameIsRefusedWithOneLineBeforeAnyRequest() throws Exception {
        JsonNode badStart = SetupPageScript.save(splunkd, form("key-1", SECRET, "yesterday", ""));
        JsonNode badHost = SetupPageScript.save(splunkd, form("key-1", SECRET, "", "api cloud/passage"));

        assertThat(badStart.get("saved").asBoolean()).isFalse();
        assertThat(badStart.get("problems")).hasSize(1);
        assertThat(badStart.get("problems").get(0).get("message").asText())
                .isEqualTo("start=yesterday is not an ISO-8601 date (2026-09-01) or date-time (2026-09-01T10:00:00Z):"
                        + " correct it or leave it blank for 90 days ago");
        assertThat(badHost.get("problems").get(0).get("field").asText()).isEqualTo("api_hostname");
        assertThat(badHost.get("problems").get(0).get("message").asText()).contains("api_hostname=api cloud/passage", "api.cloudpassage.com")
                .doesNotContain("\n");
        assertThat(splunkd.requests()).isEmpty();
        assertThat(splunkd.passwordCount()).isZero();
    }

    @Test
    void whatSplunkdRefusesIsShownInOneLineWithoutTheSecret() throws Exception {
        splunkd.validatingInputsWith(items -> new SplunkdStandIn.Validation(1,
                "<error><message>Halo refused API key key-1: check the key and the secret in password storage</message></error>"));

        JsonNode refused = SetupPageScript.save(splunkd, form("key-1", SECRET, "", ""));

        assertThat(refused.get("saved").asBoolean()).isFalse();
        assertThat(refused.get("refused").asText()).startsWith("splunkd refused creating input prod halo (HTTP 400): ")
                .contains("Halo refused API key key-1").doesNotContain(SECRET).doesNotContain("\n");
        assertThat(splunkd.inputs()).isEmpty();
        assertThat(splunkd.appConfigured()).isFalse();
    }

    @Test
    void anExistingInputFillsTheFormWithoutItsSecret() throws Exception {
        assertThat(SetupPageScript.load(splunkd, INPUT).isNull()).isTrue();
        SetupPageScript.save(splunkd, form("key-1", SECRET, "2026-09-01", "api.example.net"));

        JsonNode settings = SetupPageScript.load(splunkd, INPUT);

        assertThat(settings.get("api_key").asText()).isEqualTo("key-1");
        assertThat(settings.get("start").asText()).isEqualTo("2026-09-01");
        assertThat(settings.get("api_hostname").asText()).isEqualTo("api.example.net");
        assertThat(settings.has("secret")).isFalse();
        assertThat(settings.toString()).doesNotContain(SECRET);
    }

    @Test
    void thePageTakesTheStartsAndHostnamesTheInputTakesAndNoOthers() throws Exception {
        List<String> starts = List.of("2026-09-01", "2026-09-01T10:00:00Z", "2026-09-01T10:00Z", "2026-09-01T10:00:00.123456Z",
                "2026-09-01T10:00:00+02:00", "2026-02-30", "2026-13-01", "2026-09-01T25:00:00Z", "2026-09-01T10:00:00",
                "2026-09-01 10:00:00Z", "yesterday", "01/09/2026", "2026-9-1", "2026-09-01T10:00:00+19:00");
        List<String> hostnames = List.of("api.cloudpassage.com", "api.cloudpassage.com:443", "127.0.0.1:8443",
                "https://api.example.net", "https://api.example.net:8443/", "http://127.0.0.1:5000", "api cloud/passage",
                "https://user:pw@api.example.net", "https://api.example.net/?x=1", "-api.example.net", "api..example.net", "ftp://api.example.net");

        JsonNode page = SetupPageScript.accepts(starts, hostnames);

        for (String start : starts) {
            assertThat(page.get("starts").get(start).asBoolean()).as("start " + start).isEqualTo(inputTakesStart(start));
        }
        for (String hostname : hostnames) {
            assertThat(page.get("hostnames").get(hostname).asBoolean()).as("api_hostname " + hostname).isEqualTo(inputTakesHostname(hostname));
        }
        assertThat(page.get("starts").get("yesterday").asBoolean()).isFalse();
        assertThat(page.get("hostnames").get("api.cloudpassage.com").asBoolean()).isTrue();
    }

    private static boolean inputTakesStart(String start) {
        try {
            ModularInput.settings(new InputXml.Stanza("cloudpassage_halo://n", Map.of("api_key", "k", "start", start)));
            return true;
        } catch (ConfigurationException e) {
            return false;
        }
    }

    private static boolean inputTakesHostname(String hostname) {
        try {
            ModularInput.apiUrl(hostname);
            return true;
        } catch (ConfigurationException e) {
            return false;
        }
    }

    /** The secret travelled only in the bodies of POSTs to storage/passwords: no URL, no stanza. */
    private void assertSecretOnlyInPasswordStorageBodies() {
        for (Request request : splunkd.requests()) {
            assertThat(request.pathAndQuery()).doesNotContain(SECRET).doesNotContain("Vb72");
            if (!request.pathAndQuery().contains("/storage/passwords")) {
                assertThat(request.form().values()).as(request.pathAndQuery()).noneMatch(value -> value.contains("Vb72"));
            }
        }
        splunkd.inputs().values().forEach(stanza -> assertThat(stanza.values()).noneMatch(value -> value.contains("Vb72")));
    }

    private static Map<String, String> form(String apiKey, String secret, String start, String hostname) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("name", INPUT);
        form.put("api_key", apiKey);
        form.put("secret", secret);
        form.put("start", start);
        form.put("api_hostname", hostname);
        form.put("interval", "60");
        form.put("index", "cloudpassage");
        form.put("sourcetype", "cp_halo");
        return form;
    }
}
