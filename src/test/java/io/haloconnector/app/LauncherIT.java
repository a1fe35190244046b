package io.haloconnector.app;

import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The way README tells users to run it: {@code bin/halo-connector} with the jar {@code mvn package}
 * built (runs after package, under failsafe). Its JVM options reach the JVM, -D arguments are
 * properties, events arrive once on stdout, SIGTERM stops it with exit 0, and the jars in lib/ next
 * to the jar are on the classpath.
 */
class LauncherIT {
    private static final Pattern MAX_HEAP = Pattern.compile("max heap (\\d+) MB");

    @TempDir
    Path work;

    @Test
    @Timeout(120)
    void theLauncherRunsTheBuiltJarWithItsHeapAndDeliversEveryEventOnce() throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().minus(Duration.ofHours(6));
            simulator.events().generate(7, start, Instant.now().minusSeconds(30), 1200);
            Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());

            Path stderr = work.resolve("stderr.log");
            Process connector = launch(simulator, start, work, stderr, Map.of());
            deliversEveryEventOnceThenExitsZeroOnSigterm(connector, expected);

            String log = Files.readString(stderr);
            Matcher heap = MAX_HEAP.matcher(log);
            assertThat(heap.find()).as("the start line names the heap: %s", log).isTrue();
            assertThat(Integer.parseInt(heap.group(1))).as("the launcher's -Xmx256m reached the JVM").isBetween(200, 256);
            assertThat(log).doesNotContain(simulator.apiSecret());
        }
    }

    @Test
    @Timeout(120)
    void aCamelComponentInTheLibFolderNextToTheJarIsUsableFromAnOutputRoute() throws Exception {
        // lib/ holds one jar naming a Camel component scheme, libprobe (the stream component's class, which
        // the connector's jar has): the way camel-kafka names kafka. The jar is linked in, lib/ is beside it.
        Path dist = Files.createDirectories(work.resolve("dist"));
        Path jar = Files.createSymbolicLink(dist.resolve("halo-connector.jar"), Path.of("target", "halo-connector.jar").toAbsolutePath());
        Path lib = dist.resolve("lib");
        // the user's routes: the Halo poll as shipped, the stdout output sent to libprobe:out
        Path run = Files.createDirectories(work.resolve("run").resolve("routes")).getParent();
        Files.copy(Path.of("routes", "halo-events.yaml"), run.resolve("routes").resolve("halo-events.yaml"));
        Files.copy(Path.of("routes", "halo-accounts.yaml"), run.resolve("routes").resolve("halo-accounts.yaml"));
        Files.writeString(run.resolve("routes").resolve("output-stdout.yaml"), String.join("\n",
                "- route:",
                "    id: halo-output-libprobe",
                "    precondition: \"'{{halo.output}}' == 'stdout'\"",
                "    from:",
                "      uri: direct:halo-output",
                "      steps:",
                "        - to:",
                "            uri: libprobe:out",
                "            parameters:",
                "              appendNewLine: false",
                ""));
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().minus(Duration.ofHours(2));
            simulator.events().generate(8, start, Instant.now().minusSeconds(30), 100);
            Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
            Map<String, String> env = Map.of("HALO_CONNECTOR_JAR", jar.toString());

            // without the jar in lib/ the scheme is unknown and the connector does not start
            Path refused = work.resolve("refused.log");
            Process without = launch(simulator, start, run, refused, env);
            assertThat(without.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(without.exitValue()).isNotZero();
            assertThat(Files.readString(refused)).contains("No endpoint could be found for: libprobe://out");

            Files.createDirectories(lib);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(lib.resolve("libprobe.jar")))) {
                out.putNextEntry(new JarEntry("META-INF/services/org/apache/camel/component/libprobe"));
                out.write("class=org.apache.camel.component.stream.StreamComponent\n".getBytes(StandardCharsets.UTF_8));
            }
            Process connector = launch(simulator, start, run, work.resolve("stderr.log"), env);
            deliversEveryEventOnceThenExitsZeroOnSigterm(connector, expected);
        }
    }

    /** bin/halo-connector with the simulator's settings as -D arguments, in {@code dir}, stderr to {@code stderr}. */
    private Process launch(HaloSimulator simulator, Instant start, Path dir, Path stderr, Map<String, String> env)
            throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "halo-connector").toAbsolutePath().toString(),
                "-Dhalo.api.url=" + simulator.baseUrl(), "-Dhalo.api.key=" + simulator.apiKey(),
                "-Dhalo.start=" + start, "-Dhalo.state.dir=" + work.resolve("state"),
                "-Dhalo.poll.cron=* * * * * ?", "-Dhalo.poll.lag=0s", "-Dcamel.management.enabled=false")
                .directory(dir.toFile()).redirectError(stderr.toFile());
        builder.environment().remove("HALO_JAVA_OPTS");
        builder.environment().remove("HALO_CONNECTOR_JAR");
        builder.environment().remove("HALO_CONNECTOR_LIB");
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().put("HALO_API_SECRET", simulator.apiSecret());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The lines of a process's standard output, collected as they come by {@code reader}. */
    private record Stdout(List<String> lines, Thread reader) {
    }

    private static Stdout stdout(Process process) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Stdout(lines, reader);
    }

    /** Every expected event on the connector's stdout once, then SIGTERM ends it with exit 0. */
    private static void deliversEveryEventOnceThenExitsZeroOnSigterm(Process connector, Set<String> expected) throws Exception {
        Stdout stdout = stdout(connector);
        List<String> lines = stdout.lines();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.size() >= expected.size());
        } finally {
            connector.destroy(); // SIGTERM
        }
        assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(connector.exitValue()).isZero();
        stdout.reader().join(5_000);
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
        }
        assertThat(ids).hasSameSizeAs(expected);
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
    }
}
