package io.haloconnector.splunkapp;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The .tgz that {@code mvn package} makes: the assembly descriptor packs splunk-app/ under one
 * top folder named after the app, and the folder holds only what Splunk needs. The built package
 * itself is checked by PackageIT, after {@code package}.
 */
class PackageTest {

    private static final Path DESCRIPTOR = Path.of("src/assembly/splunk-app.xml");

    @Test
    void theAssemblyPacksSplunkAppIntoOneTopFolderNamedAfterTheApp() throws IOException {
        Element assembly = SplunkApp.parseXml(DESCRIPTOR).getDocumentElement();
        List<Element> fileSets = SplunkApp.elements(assembly, "fileSet");

        assertThat(texts(assembly, "format")).containsExactly("tgz");
        assertThat(SplunkApp.childText(assembly, "includeBaseDirectory")).isEqualTo("false");
        assertThat(SplunkApp.elements(assembly, "file")).isEmpty();
        assertThat(SplunkApp.elements(assembly, "dependencySet")).isEmpty();
        assertThat(fileSets).hasSize(4);
        for (Element fileSet : fileSets.subList(0, 3)) {
            assertThat(SplunkApp.childText(fileSet, "directory")).isEqualTo("splunk-app");
            assertThat(SplunkApp.childText(fileSet, "outputDirectory")).isEqualTo(SplunkApp.APP_ID);
        }
        Element text = fileSets.get(0);
        assertThat(texts(text, "include")).containsExactly("**");
        assertThat(texts(text, "exclude")).contains("local/**", "metadata/local.meta", "**/.*", "**/test/**", "bin/**");
        assertThat(SplunkApp.childText(text, "fileMode")).as("no executable files but bin/'s").isEqualTo("0644");
        // line ending conversion would corrupt the PNG icons: they are packed apart, unconverted
        Element binary = fileSets.get(1);
        assertThat(texts(text, "exclude")).contains("static/*.png");
        assertThat(texts(binary, "include")).containsExactly("static/*.png");
        assertThat(SplunkApp.childText(binary, "lineEnding")).isNull();
        assertThat(SplunkApp.childText(binary, "fileMode")).isEqualTo("0644");
        // Splunk runs the modular input's launcher: the only executables, in bin/
        Element launcher = fileSets.get(2);
        assertThat(texts(launcher, "include")).containsExactly("bin/*.sh");
        assertThat(SplunkApp.childText(launcher, "fileMode")).isEqualTo("0755");
        assertThat(SplunkApp.childText(launcher, "lineEnding")).isEqualTo("unix");
        // the connector jar the launcher runs, from the build, not executable
        Element jar = fileSets.get(3);
        assertThat(SplunkApp.childText(jar, "directory")).isEqualTo("${project.build.directory}");
        assertThat(SplunkApp.childText(jar, "outputDirectory")).isEqualTo(SplunkApp.APP_ID + "/lib");
        assertThat(texts(jar, "include")).containsExactly("halo-connector.jar");
        assertThat(SplunkApp.childText(jar, "fileMode")).isEqualTo("0644");
        assertThat(SplunkApp.childText(jar, "lineEnding")).isNull();
    }

    @Test
    void thePomBuildsThePackageAtPackageTimeUnderTheAppsName() throws IOException {
        Element pom = SplunkApp.parseXml(Path.of("pom.xml")).getDocumentElement();
        Element assemblyPlugin = SplunkApp.elements(pom, "plugin").stream()
                .filter(plugin -> "maven-assembly-plugin".equals(SplunkApp.childText(plugin, "artifactId")))
                .findFirst().orElseThrow();
        Element execution = SplunkApp.elements(assemblyPlugin, "execution").get(0);

        assertThat(SplunkApp.childText(execution, "phase")).isEqualTo("package");
        assertThat(texts(execution, "goal")).containsExactly("single");
        assertThat(texts(execution, "finalName")).containsExactly(SplunkApp.APP_ID + "-${project.version}");
        assertThat(texts(execution, "appendAssemblyId")).containsExactly("false");
        assertThat(texts(execution, "descriptor")).containsExactly(DESCRIPTOR.toString());
    }

    @Test
    void theAppFolderHoldsOnlyWhatSplunkNeeds() {
        List<String> files = SplunkApp.files();

        assertThat(files).contains("default/app.conf", "metadata/default.meta", "README.md", "LICENSE");
        // nothing the descriptor would have to drop: what is in the folder is what is shipped
        assertThat(files).allMatch(file -> file.equals("README.md") || file.equals("LICENSE")
                        || file.matches("default/[a-z_]+\\.conf")
                        || file.matches("lookups/[a-z_]+\\.csv")
                        || file.matches("default/data/ui/views/[a-z_]+\\.xml")
                        || file.equals("default/data/ui/nav/default.xml")
                        || file.equals("metadata/default.meta")
                        || file.matches("static/app(Icon|IconAlt)(_2x)?\\.png")
                        || file.matches("README/[a-z_]+\\.conf\\.spec")
                        || file.equals("bin/cloudpassage_halo.sh")
                        // the setup page's script and styles, which Splunk Web serves from appserver/static
                        || file.matches("appserver/static/[a-z_]+\\.(js|css)"),
                "only the app's own files");
        assertThat(files).noneMatch(file -> file.startsWith("local/") || file.contains("/.") || file.startsWith("."));
    }

    private static List<String> texts(Element parent, String tag) {
        return SplunkApp.elements(parent, tag).stream().map(element -> element.getTextContent().strip()).toList();
    }

    /** The entry names of a gzipped tar: ustar headers, with GNU and pax long names. */
    static List<String> tarEntryNames(Path tgz) throws IOException {
        return tarEntries(tgz).stream().map(TarEntry::name).toList();
    }

    /** One entry of a tar: its name, permission bits, type ('0' file, '5' directory, ...) and content. */
    record TarEntry(String name, int mode, char type, byte[] content) {

        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    /** The entries of a gzipped tar, with GNU and pax long names resolved. */
    static List<TarEntry> tarEntries(Path tgz) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            String longName = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || isZero(header)) {
                    return entries;
                }
                String name = field(header, 0, 100);
                long size = octal(field(header, 124, 12));
                int mode = (int) octal(field(header, 100, 8));
                char type = (char) header[156];
                if ("ustar".equals(field(header, 257, 5)) && !field(header, 345, 155).isEmpty()) {
                    name = field(header, 345, 155) + "/" + name;
                }
                byte[] content = in.readNBytes((int) size);
                in.readNBytes((int) ((512 - size % 512) % 512));
                if (type == 'L') {
                    longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                } else if (type == 'x') {
                    longName = paxPath(content);
                } else if (type != 'g') {
                    entries.add(new TarEntry(longName != null ? longName : name, mode, type, content));
                    longName = null;
                }
            }
        }
    }

    private static long octal(String field) {
        return field.strip().isEmpty() ? 0 : Long.parseLong(field.strip(), 8);
    }

    private static String paxPath(byte[] content) {
        for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
            int keyStart = record.indexOf(' ') + 1;
            if (record.startsWith("path=", keyStart)) {
                return record.substring(keyStart + "path=".length());
            }
        }
        return null;
    }

    private static String field(byte[] header, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = offset; i < offset + length && header[i] != 0; i++) {
            out.write(header[i]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
