package io.haloconnector.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/halo-connector, the launcher users and the benchmark start the jar with: which JVM options
 * and which arguments reach java, in which order, and which jars are on the classpath. A stand-in
 * {@code java} (the JAVA variable) prints the command line it was given, one argument per line.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("bin", "halo-connector").toAbsolutePath();

    @TempDir
    Path work;

    private record Run(int exit, List<String> javaArgs, String stderr) {
    }

    private Run launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path java = work.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = work.resolve("halo-connector.jar");
        Files.write(jar, new byte[0]);
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(work.resolve("stderr").toFile());
        builder.environment().remove("HALO_JAVA_OPTS");
        builder.environment().put("JAVA", java.toString());
        builder.environment().put("HALO_CONNECTOR_JAR", jar.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out.isEmpty() ? List.of() : List.of(out.split("\n")),
                Files.readString(work.resolve("stderr")));
    }

    /** The jar, then every jar in lib/ next to it. */
    private String classpath() {
        return work.resolve("halo-connector.jar") + ":" + work.resolve("lib") + "/*";
    }

    @Test
    void theMeasuredJvmOptionsComeFirstThenPropertiesThenTheClasspathAndTheConnectorsArguments() throws Exception {
        Run run = launch(Map.of(), "-Dhalo.output=file", "--demo", "-Xmx512m");
        assertThat(run.exit()).isZero();
        assertThat(run.javaArgs()).containsExactly("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:SurvivorRatio=3",
                "-Dhalo.output=file", "-Xmx512m", "-cp", classpath(), "io.haloconnector.ops.HaloConnectorCommands", "--demo");
    }

    @Test
    void haloJavaOptsReplacesTheDefaults() throws Exception {
        Run run = launch(Map.of("HALO_JAVA_OPTS", "-Xmx1g -XX:+UseG1GC"));
        assertThat(run.javaArgs()).containsExactly("-Xmx1g", "-XX:+UseG1GC", "-cp", classpath(), "io.haloconnector.ops.HaloConnectorCommands");
    }

    @Test
    void theJarsOfHaloConnectorLibFoldersComeAfterTheConnectorAndItsLibFolder() throws Exception {
        Run run = launch(Map.of("HALO_CONNECTOR_LIB", "/opt/halo/kafka:/opt/halo/syslog"));
        assertThat(run.exit()).isZero();
        assertThat(run.javaArgs()).containsSubsequence("-cp", classpath() + ":/opt/halo/kafka/*:/opt/halo/syslog/*",
                "io.haloconnector.ops.HaloConnectorCommands");
    }

    @Test
    void aMissingJarIsOneClearLineAndExitTwo() throws Exception {
        Run run = launch(Map.of("HALO_CONNECTOR_JAR", work.resolve("nowhere.jar").toString()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.javaArgs()).isEmpty();
        assertThat(run.stderr().strip()).startsWith("halo-connector: no halo-connector.jar").contains("mvn -B -q -DskipTests package")
                .doesNotContain("\n");
    }
}
