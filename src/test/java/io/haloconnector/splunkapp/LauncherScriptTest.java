package io.haloconnector.splunkapp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/cloudpassage_halo.sh, the script splunkd runs: it finds Java from the app's configuration or
 * JAVA_HOME and says in one line on stderr (which splunkd logs) what is missing.
 */
class LauncherScriptTest {
    @TempDir
    Path app;

    @Test
    void aJavaHomeWithoutJavaIsOneLineNamingIt() throws Exception {
        install();
        Result result = launch("/opt/no-such-jdk", "--scheme");
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err.strip().lines()).hasSize(1);
        assertThat(result.err).contains("no Java at /opt/no-such-jdk/bin/java").contains("JAVA_HOME")
                .contains("local/cloudpassage_halo.conf");
    }

    @Test
    void theAppsJavaHomeWinsOverJavaHome() throws Exception {
        install();
        Files.createDirectories(app.resolve("local"));
        Files.writeString(app.resolve("local/cloudpassage_halo.conf"), "[java]\nhome = /opt/configured-jdk\n");
        Result result = launch(System.getProperty("java.home"), "--scheme");
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).contains("no Java at /opt/configured-jdk/bin/java").contains("[java] home");
    }

    @Test
    void aMissingJarIsOneLineAndAJarRunsTheInput() throws Exception {
        install();
        Result missing = launch(System.getProperty("java.home"), "--scheme");
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err.strip().lines()).hasSize(1);
        assertThat(missing.err).contains("lib/halo-connector.jar is missing");

        // a jar of the project's own classes stands in for the shaded one (--scheme needs no library)
        Files.createDirectories(app.resolve("lib"));
        jarOf(Path.of("target/classes"), app.resolve("lib/halo-connector.jar"));
        Result scheme = launch(System.getProperty("java.home"), "--scheme");
        assertThat(scheme.code).as(scheme.err).isZero();
        assertThat(scheme.out).startsWith("<scheme>").contains("<title>CloudPassage Halo</title>");
    }

    private static void jarOf(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private void install() throws IOException {
        Files.createDirectories(app.resolve("bin"));
        Files.createDirectories(app.resolve("default"));
        Path script = app.resolve("bin/cloudpassage_halo.sh");
        Files.copy(SplunkApp.ROOT.resolve("bin/cloudpassage_halo.sh"), script);
        Files.copy(SplunkApp.ROOT.resolve("default/cloudpassage_halo.conf"), app.resolve("default/cloudpassage_halo.conf"));
        assertThat(script.toFile().setExecutable(true)).isTrue();
    }

    private record Result(int code, String out, String err) {
    }

    private Result launch(String javaHome, String argument) throws Exception {
        Path out = app.resolve("out.txt");
        Path err = app.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(app.resolve("bin/cloudpassage_halo.sh").toString(), argument))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", javaHome);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
