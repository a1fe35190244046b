package io.haloconnector.splunkapp;

import io.haloconnector.splunkapp.PackageTest.TarEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure rules Splunk's AppInspect applies to an app package, checked on the .tgz that
 * {@code mvn package} built: what a Splunkbase or Splunk Cloud vetting would refuse first.
 */
class AppInspectIT {

    private static final String TOP = SplunkApp.APP_ID + "/";
    private static List<TarEntry> entries;
    private static Map<String, TarEntry> files;

    @BeforeAll
    static void readThePackage() throws IOException {
        Path tgz = Path.of("target", SplunkApp.APP_ID + "-" + SplunkConfFilesTest.projectVersion() + ".tgz");
        assertThat(tgz).as("mvn package builds the Splunk app package").exists();
        entries = PackageTest.tarEntries(tgz);
        files = new LinkedHashMap<>();
        entries.stream().filter(TarEntry::isFile).forEach(entry -> files.put(entry.name(), entry));
    }

    @Test
    void appConfNamesThePackageAfterItsFolderWithAVersionAndLauncherFields() {
        SplunkConf app = conf("default/app.conf");

        assertThat(entries).allMatch(entry -> entry.name().startsWith(TOP));
        assertThat(app.stanza("package")).containsEntry("id", SplunkApp.APP_ID);
        assertThat(app.stanza("id").get("version")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(app.stanza("launcher")).containsKeys("author", "version", "description");
        assertThat(app.stanza("launcher").get("version")).isEqualTo(app.stanza("id").get("version"));
        assertThat(app.stanza("launcher").values()).allMatch(value -> !value.isBlank());
    }

    @Test
    void defaultMetaExportsTheSourcetypeAndEventTypesToSystem() {
        SplunkConf meta = conf("metadata/default.meta");

        for (String kind : List.of("props", "eventtypes", "tags", "macros", "transforms", "lookups")) {
            assertThat(meta.stanza(kind)).as(kind).containsEntry("export", "system");
        }
        assertThat(meta.stanza("").get("access")).contains("write : [ admin ]");
    }

    @Test
    void onlyTheLauncherInBinIsExecutable() {
        assertThat(entries).isNotEmpty();
        for (TarEntry entry : entries) {
            assertThat(entry.type()).as(entry.name() + " is a plain file or folder, no link").isIn('0', '\0', '5');
            if (entry.isFile() && entry.name().equals(TOP + "bin/cloudpassage_halo.sh")) {
                assertThat(entry.mode() & 0755).as("%s mode %o", entry.name(), entry.mode()).isEqualTo(0755);
            } else if (entry.isFile()) {
                assertThat(entry.mode() & 0111).as("%s mode %o", entry.name(), entry.mode()).isZero();
            }
        }
    }

    @Test
    void theModularInputIsPackedWithItsSpecLauncherAndJar() {
        assertThat(text("README/inputs.conf.spec")).contains("[cloudpassage_halo://<name>]", "api_key", "start", "api_hostname");
        assertThat(text("bin/cloudpassage_halo.sh")).startsWith("#!/bin/sh\n").contains("io.haloconnector.splunk.ModularInput");
        assertThat(files).containsKey(TOP + "lib/halo-connector.jar");
        assertThat(files.get(TOP + "lib/halo-connector.jar").content()).as("a jar is a zip").startsWith((byte) 'P', (byte) 'K');
    }

    @Test
    void theSetupPageIsPackedWithItsScriptsAsPlainFiles() {
        assertThat(text("default/app.conf")).contains("setup_view = setup_halo_input");
        assertThat(text("default/data/ui/views/setup_halo_input.xml")).contains("script=\"setup_halo_input.js\"");
        for (String file : List.of("setup_halo_input.js", "halo_input_setup.js", "setup_halo_input.css")) {
            assertThat(files).containsKey(TOP + "appserver/static/" + file);
            assertThat(files.get(TOP + "appserver/static/" + file).mode() & 0111).as(file).isZero();
        }
    }

    @Test
    void noHiddenFileAndNoLocalSettings() {
        for (TarEntry entry : entries) {
            String inApp = entry.name().substring(TOP.length());
            assertThat(List.of(inApp.split("/"))).as(entry.name()).noneMatch(part -> part.startsWith("."));
            assertThat(inApp).as(entry.name()).doesNotStartWith("local/").isNotEqualTo("local")
                    .isNotEqualTo("metadata/local.meta");
        }
    }

    @Test
    void theAppIconsArePngsOf36And72Pixels() throws IOException {
        assertThat(size("static/appIcon.png")).containsExactly(36, 36);
        assertThat(size("static/appIcon_2x.png")).containsExactly(72, 72);
    }

    @Test
    void aReadmeAndALicenseAreShipped() {
        assertThat(text("README.md")).contains("cloudpassage_halo", "cp_halo_index");
        assertThat(text("LICENSE")).contains("Apache License", "Version 2.0");
    }

    private static int[] size(String file) throws IOException {
        assertThat(files).as(file).containsKey(TOP + file);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(files.get(TOP + file).content()));
        assertThat(image).as(file + " is an image ImageIO reads").isNotNull();
        assertThat(new String(files.get(TOP + file).content(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        return new int[] {image.getWidth(), image.getHeight()};
    }

    private static String text(String file) {
        assertThat(files).as(file).containsKey(TOP + file);
        return new String(files.get(TOP + file).content(), StandardCharsets.UTF_8);
    }

    private static SplunkConf conf(String file) {
        return SplunkConf.parse(text(file), TOP + file);
    }
}
