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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The way README tells users to run it: {@code bin/halo-connector} with the jar {@code mvn package}
 * built (runs after package, under failsafe). Its JVM options reach the JVM, -D arguments are
 * properties, events arrive once on stdout, SIGTERM stops it with exit 0.
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

            ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "halo-connector").toAbsolutePath().toString(),
                    "-Dhalo.api.url=" + simulator.baseUrl(), "-Dhalo.api.key=" + simulator.apiKey(),
                    "-Dhalo.start=" + start, "-Dhalo.state.dir=" + work.resolve("state"),
                    "-Dhalo.poll.cron=* * * * * ?", "-Dhalo.poll.lag=0s", "-Dcamel.management.enabled=false")
                    .directory(work.toFile()).redirectError(work.resolve("stderr.log").toFile());
            builder.environment().remove("HALO_JAVA_OPTS");
            builder.environment().remove("HALO_CONNECTOR_JAR");
            builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            builder.environment().put("HALO_API_SECRET", simulator.apiSecret());
            Process connector = builder.start();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(connector.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> lines.size() >= expected.size());
            } finally {
                connector.destroy(); // SIGTERM
            }
            assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(connector.exitValue()).isZero();
            reader.join(5_000);

            List<String> ids = new ArrayList<>();
            for (String line : lines) {
                ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
            }
            assertThat(ids).hasSameSizeAs(expected);
            assertThat(new HashSet<>(ids)).isEqualTo(expected);

            String stderr = Files.readString(work.resolve("stderr.log"));
            Matcher heap = MAX_HEAP.matcher(stderr);
            assertThat(heap.find()).as("the start line names the heap: %s", stderr).isTrue();
            assertThat(Integer.parseInt(heap.group(1))).as("the launcher's -Xmx256m reached the JVM").isBetween(200, 256);
            assertThat(stderr).doesNotContain(simulator.apiSecret());
        }
    }
}
