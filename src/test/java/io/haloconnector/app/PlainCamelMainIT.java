package io.haloconnector.app;

import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.EventFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The routes on an existing camel-main runtime, as README says (Running the routes on an existing
 * Camel runtime): README's command line, {@code org.apache.camel.main.Main} (not ConnectorMain) on
 * the plain jar {@code mvn package} built plus its dependencies, with README's camel-main settings
 * given as -D. Events arrive once in the file output; SIGTERM stops it after the page in flight.
 */
class PlainCamelMainIT {
    /** The JVM's status after a SIGTERM its shutdown hooks handled (camel-main stops the context in one). */
    private static final int EXIT_AFTER_SIGTERM = 143;

    @TempDir
    Path work;

    @Test
    @Timeout(120)
    void camelMainRunsTheShippedRoutesWithTheConfigurationClassAndDeliversEveryEventOnce() throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().minus(Duration.ofHours(6));
            simulator.events().generate(41, start, Instant.now().minusSeconds(30), 900);
            Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
            Path events = work.resolve("events");

            // README's settings for camel-main, given as -D as its command line does, pointed at the simulator and the test's folders
            Map<String, String> props = new LinkedHashMap<>(Readme.recipe("existing-runtime-properties").rewrite(Map.of(
                    "https://api.cloudpassage.com", simulator.baseUrl().toString(),
                    "halo.api.key = ...", "halo.api.key = " + simulator.apiKey(),
                    "halo.api.secret = ...", "halo.api.secret = " + simulator.apiSecret(),
                    "/var/lib/halo", work.toString())).properties());
            // the test's own: its start, small pages, a poll every second
            props.put("halo.start", start.toString());
            props.put("halo.perPage", "100");
            props.put("halo.poll.cron", "* * * * * ?");
            props.put("halo.poll.lag", "0s");
            props.put("halo.retry.maxAttempts", "8");
            String options = props.entrySet().stream().map(p -> "'-D" + p.getKey() + "=" + p.getValue() + "'")
                    .collect(Collectors.joining(" "));
            // README's command line, run by bash from the project folder (its paths are relative to it), its "..." the options
            String commandLine = Readme.recipe("existing-runtime-sh").rewrite(Map.of(" ... ", " " + options + " ")).text();
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + commandLine.strip())
                    .redirectOutput(work.resolve("stdout.log").toFile())
                    .redirectError(work.resolve("stderr.log").toFile());
            // README's java is the one on the PATH: this JVM's
            builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                    + builder.environment().get("PATH"));
            // README's class path: the plain jar and target/runtime-classpath.txt, which holds no test library
            assertThat(runtimeClasspath()).contains("camel-main");
            Process camel = builder.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !camel.isAlive() || EventFiles.ids(events).size() >= expected.size());
                assertThat(camel.isAlive()).as("camel-main runs: %s", log()).isTrue();
            } finally {
                camel.destroy(); // SIGTERM
            }
            assertThat(camel.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            String log = log();
            assertThat(camel.exitValue()).as("exit status: %s", log).isEqualTo(EXIT_AFTER_SIGTERM);
            // the jar's packed defaults stay its own: camel-main loads none of their camel.* settings
            assertThat(log).doesNotContain("Health and metrics at").doesNotContain("camel.management.port = 9876");
            assertThat(log).contains("Started halo-output-file (direct://halo-output)")
                    .contains("shutdown in").doesNotContain(" ERROR ").doesNotContain(simulator.apiSecret());

            List<String> ids = EventFiles.ids(events);
            assertThat(new HashSet<>(ids)).as("delivered ids").isEqualTo(expected);
            assertThat(ids).as("no event twice").hasSameSizeAs(expected);
            String newest = simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                    .max(Instant::compareTo).orElseThrow().toString();
            assertThat(HaloJson.MAPPER.readTree(work.resolve("state/checkpoint.json").toFile()).get("cursor").asText())
                    .as("the checkpoint after the stop").isEqualTo(newest);
        }
    }

    /**
     * The plain (not shaded) jar of the build and its runtime dependencies, as {@code mvn package}
     * listed them in target/runtime-classpath.txt: nothing of the test class path (no test classes,
     * JUnit or camel-test).
     */
    private static String runtimeClasspath() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Path plainJar;
        try (Stream<Path> files = Files.list(target)) {
            plainJar = files.filter(f -> f.getFileName().toString().matches("halo-connector-\\d.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/halo-connector-<version>.jar: run mvn package first"));
        }
        String dependencies = Files.readString(target.resolve("runtime-classpath.txt")).strip();
        assertThat(dependencies).as("runtime dependencies").doesNotContain("junit", "camel-test", "assertj");
        return plainJar + File.pathSeparator + dependencies;
    }

    private String log() throws IOException {
        return Files.readString(work.resolve("stderr.log")) + Files.readString(work.resolve("stdout.log"));
    }
}
