package io.haloconnector.splunkapp;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app's .conf and .meta files: they parse strictly and say what the app needs. */
class SplunkConfFilesTest {

    // the props.conf settings this app may use (props.conf.spec); a typo would be silently ignored by Splunk
    private static final Set<String> PROPS_SETTINGS = Set.of(
            "description", "category", "pulldown_type", "KV_MODE", "AUTO_KV_JSON", "INDEXED_EXTRACTIONS",
            "CHARSET", "SHOULD_LINEMERGE", "LINE_BREAKER", "TRUNCATE", "TIME_PREFIX", "TIME_FORMAT", "TZ",
            "MAX_TIMESTAMP_LOOKAHEAD", "NO_BINARY_CHECK", "ANNOTATE_PUNCT");
    private static final List<String> PROPS_CLASS_PREFIXES = List.of("FIELDALIAS-", "EVAL-", "EXTRACT-", "REPORT-", "LOOKUP-");

    @Test
    void theParserReadsStanzasSettingsCommentsAndContinuationLines() {
        SplunkConf conf = SplunkConf.parse("""
                # a comment
                [one]
                key = value with spaces
                  # an indented comment
                multi = first \\
                second

                [two]
                empty =
                """, "test.conf");

        assertThat(conf.stanzas()).containsOnlyKeys("one", "two");
        assertThat(conf.stanza("one")).containsEntry("key", "value with spaces")
                .containsEntry("multi", "first \nsecond");
        assertThat(conf.stanza("two")).containsEntry("empty", "");
    }

    @Test
    void theParserRefusesWhatSplunkWouldMisread() {
        assertThatThrownBy(() -> SplunkConf.parse("[a]\nkey = 1\nkey = 2\n", "t.conf"))
                .hasMessageContaining("t.conf:3").hasMessageContaining("appears twice");
        assertThatThrownBy(() -> SplunkConf.parse("[a]\n[a]\n", "t.conf")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> SplunkConf.parse("[a]\nkey = 1 # one\n", "t.conf")).hasMessageContaining("' #'");
        assertThatThrownBy(() -> SplunkConf.parse("key = 1\n[a]\n", "t.conf")).hasMessageContaining("before the first stanza");
        assertThatThrownBy(() -> SplunkConf.parse("[a]\nkey: 1\n", "t.conf")).hasMessageContaining("neither");
        assertThatThrownBy(() -> SplunkConf.parse("[a]\nkey = 1 \\", "t.conf")).hasMessageContaining("last line");
    }

    @Test
    void everyConfAndMetaFileParsesStrictly() throws IOException {
        List<String> confFiles = SplunkApp.files().stream()
                .filter(file -> file.endsWith(".conf") || file.endsWith(".meta"))
                .toList();

        assertThat(confFiles).contains("default/app.conf", "default/props.conf", "default/indexes.conf",
                "default/eventtypes.conf", "default/tags.conf", "default/macros.conf", "default/transforms.conf",
                "metadata/default.meta");
        for (String file : confFiles) {
            assertThat(SplunkApp.conf(file).stanzas()).as(file).isNotEmpty();
        }
    }

    @Test
    void appConfNamesTheAppAndCarriesTheProjectVersion() throws IOException {
        SplunkConf app = SplunkApp.conf("default/app.conf");
        // Splunk versions are plain X.Y.Z: the project version without -SNAPSHOT
        String version = projectVersion().replace("-SNAPSHOT", "");

        assertThat(app.stanza("package")).containsEntry("id", SplunkApp.APP_ID);
        assertThat(app.stanza("id")).containsEntry("name", SplunkApp.APP_ID).containsEntry("version", version);
        assertThat(app.stanza("ui")).containsEntry("label", "CloudPassage Halo").containsEntry("is_visible", "true");
        assertThat(app.stanza("launcher")).containsEntry("version", version).containsKey("description");
        assertThat(app.stanza("install").get("build")).matches("[0-9]+");
    }

    @Test
    void propsConfReadsCpHaloAsOneJsonEventPerLine() throws IOException {
        Map<String, String> cpHalo = SplunkApp.conf("default/props.conf").stanza("cp_halo");

        assertThat(cpHalo)
                .containsEntry("KV_MODE", "json")
                .containsEntry("SHOULD_LINEMERGE", "false")
                .containsEntry("LINE_BREAKER", "([\\r\\n]+)")
                .containsEntry("TRUNCATE", "0")
                .containsEntry("TIME_PREFIX", "\"created_at\"\\s*:\\s*\"")
                .containsEntry("TZ", "UTC")
                .containsEntry("pulldown_type", "true")
                .containsKeys("TIME_FORMAT", "MAX_TIMESTAMP_LOOKAHEAD", "category", "description");
        // KV_MODE=json and INDEXED_EXTRACTIONS together would extract every field twice
        assertThat(cpHalo).doesNotContainKey("INDEXED_EXTRACTIONS");
        for (String key : cpHalo.keySet()) {
            assertThat(PROPS_SETTINGS.contains(key) || PROPS_CLASS_PREFIXES.stream().anyMatch(key::startsWith))
                    .as("props.conf setting %s is one Splunk knows", key).isTrue();
        }
    }

    @Test
    void indexesConfKeepsTheCloudpassageIndexUnderSplunkDbForAYear() throws IOException {
        Map<String, String> index = SplunkApp.conf("default/indexes.conf").stanza("cloudpassage");

        assertThat(index)
                .containsEntry("homePath", "$SPLUNK_DB/cloudpassage/db")
                .containsEntry("coldPath", "$SPLUNK_DB/cloudpassage/colddb")
                .containsEntry("thawedPath", "$SPLUNK_DB/cloudpassage/thaweddb")
                .containsEntry("frozenTimePeriodInSecs", String.valueOf(365 * 24 * 3600));
    }

    @Test
    void defaultMetaLetsEveryoneReadOnlyAdminsWriteAndExportsTheFields() throws IOException {
        SplunkConf meta = SplunkApp.conf("metadata/default.meta");

        assertThat(meta.stanza("")).containsEntry("access", "read : [ * ], write : [ admin ]");
        // search-time fields must reach searches run from other apps, e.g. Search & Reporting
        // and Enterprise Security's data models find the events by the event types' tags; the event
        // types need the macros, the props' automatic lookup needs the transform and its file
        for (String kind : List.of("props", "transforms", "lookups", "eventtypes", "tags", "macros")) {
            assertThat(meta.stanza(kind)).as(kind).containsEntry("export", "system");
        }
        assertThat(meta.stanza("views")).containsEntry("export", "none");
    }

    @Test
    void theIndexMacroNamesTheCloudpassageIndexAndTheHaloMacroAddsTheSourcetype() throws IOException {
        SplunkConf macros = SplunkApp.conf("default/macros.conf");

        assertThat(macros.stanza("cp_halo_index")).containsEntry("definition", "index=cloudpassage");
        assertThat(macros.stanza("cp_halo")).containsEntry("definition", "`cp_halo_index` sourcetype=cp_halo");
        assertThat(SearchTime.expandMacros(SplunkApp.RESTRICTION, Map.of(
                "cp_halo_index", macros.stanza("cp_halo_index").get("definition"),
                "cp_halo", macros.stanza("cp_halo").get("definition"))))
                .isEqualTo("index=cloudpassage sourcetype=cp_halo");
    }

    @Test
    void everyEventtypeStartsWithTheHaloMacroAndNamesNoIndexItself() throws IOException {
        SplunkConf eventtypes = SplunkApp.conf("default/eventtypes.conf");

        assertThat(eventtypes.stanzas()).containsKeys("cp_halo_violation", "cp_halo_critical", "cp_halo_authentication");
        eventtypes.stanzas().forEach((name, settings) -> assertThat(settings.get("search")).as(name)
                .startsWith(SplunkApp.RESTRICTION + " ")
                .doesNotContainPattern("(?i)\\b(index|sourcetype)\\s*(=|!=|IN\\b)"));
    }

    @Test
    void onlyMacrosConfNamesAnIndex() throws IOException {
        // indexes.conf defines the index, macros.conf selects it, the modular input's defaults write to it
        // (the same one the macro searches); nothing else may name one
        assertThat(SplunkApp.conf("default/inputs.conf").stanza("cloudpassage_halo")).containsEntry("index", "cloudpassage")
                .containsEntry("sourcetype", "cp_halo");
        assertThat(SplunkApp.conf("default/macros.conf").stanza("cp_halo_index").get("definition")).isEqualTo("index=cloudpassage");
        for (String file : SplunkApp.files()) {
            if (file.endsWith(".conf") && !file.equals("default/macros.conf") && !file.equals("default/indexes.conf")
                    && !file.equals("default/inputs.conf")
                    || file.endsWith(".xml")) {
                assertThat(Files.readString(SplunkApp.ROOT.resolve(file))).as(file).doesNotContainPattern("(?i)\\bindex\\s*=");
            }
        }
    }

    static String projectVersion() throws IOException {
        Element project = SplunkApp.parseXml(Path.of("pom.xml")).getDocumentElement();
        return SplunkApp.childText(project, "version").strip();
    }
}
