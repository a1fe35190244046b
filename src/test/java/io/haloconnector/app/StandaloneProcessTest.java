package io.haloconnector.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector as its own process, the way users run it: ConnectorMain with the defaults
 * packed on the classpath, properties as -D options and environment variables, events on stdout,
 * SIGTERM to stop.
 */
class StandaloneProcessTest {

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private Instant start;

    @BeforeEach
    void startSimulator() throws IOException {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(12));
        simulator.events().generate(31, start, Instant.now().minusSeconds(60), 1500);
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    /** A connector process; the secret comes from the environment, as HALO_API_SECRET. */
    private Process connector(Map<String, String> properties) throws IOException {
        Map<String, String> props = new TreeMap<>();
        props.put("halo.api.url", simulator.baseUrl().toString());
        props.put("halo.api.key", simulator.apiKey());
        props.put("halo.start", start.toString());
        props.put("halo.state.dir", work.resolve("state").toString());
        props.put("halo.poll.cron", "* * * * * ?");
        props.put("halo.poll.lag", "0s");
        props.put("camel.management.enabled", "false");
        props.putAll(properties);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        props.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add(ConnectorMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectError(work.resolve("stderr.log").toFile());
        builder.environment().put("HALO_API_SECRET", simulator.apiSecret());
        return builder.start();
    }

    private Set<String> expectedIds() {
        return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    /** Reads stdout lines on a thread of its own until the stream ends. */
    private static List<String> collectLines(Process process) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    @Test
    void stdoutCarriesOnlyEventsAndSigtermStopsCleanlyWithTheStateSaved() throws Exception {
        Set<String> expected = expectedIds();
        Process first = connector(Map.of());
        List<String> lines = collectLines(first);
        await().atMost(Duration.ofSeconds(60)).until(() -> lines.size() >= expected.size());

        first.destroy(); // SIGTERM
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s").isTrue();
        assertThat(first.exitValue()).isZero();
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = HaloJson.MAPPER.readTree(line); // every stdout line is one JSON event, nothing else
            assertThat(event.isObject()).isTrue();
            ids.add(event.get("id").asText());
        }
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(ids).hasSameSizeAs(expected);
        assertThat(Files.readString(work.resolve("stderr.log"))).contains("No checkpoint in").doesNotContain(simulator.apiSecret());
        assertThat(work.resolve("state/checkpoint.json")).exists();

        // the restart resumes from the checkpoint: only events created since are delivered
        simulator.events().generate(32, Instant.now().minusSeconds(50), Instant.now().minusSeconds(5), 40);
        Set<String> newer = new HashSet<>(expectedIds());
        newer.removeAll(expected);
        Process second = connector(Map.of());
        List<String> more = collectLines(second);
        await().atMost(Duration.ofSeconds(60)).until(() -> more.size() >= newer.size());
        second.destroy();
        assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(more.stream().map(line -> {
            try {
                return HaloJson.MAPPER.readTree(line).get("id").asText();
            } catch (IOException e) {
                throw new AssertionError(line, e);
            }
        }).toList()).containsExactlyInAnyOrderElementsOf(newer);
        assertThat(Files.readString(work.resolve("stderr.log"))).contains("Resuming from the checkpoint");
    }

    @Test
    void aManagementPortAnotherProcessHoldsStopsTheStartWithOneLineAndExitCode2() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = other.getLocalPort();
            Process process = connector(Map.of("camel.management.enabled", "true",
                    "camel.management.host", "127.0.0.1", "camel.management.port", Integer.toString(port)));
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
            String stderr = Files.readString(work.resolve("stderr.log"));
            assertThat(stderr).contains("halo-connector: camel.management.port=" + port + " on 127.0.0.1 is already in use"
                    + " (another connector?): set camel.management.port to a free port, or camel.management.enabled=false");
            assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("/observe/health");
            assertThat(simulator.stats().eventsRequests()).as("no poll ran").isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "halo.perPage|900|halo.perPage=900 is not valid: expected a whole number from 1 to 500",
            "halo.output|splunk|halo.output=splunk is not valid: expected one of stdout, file, hec",
            "halo.start|2026-13-45|halo.start=2026-13-45 is not valid: expected an ISO-8601 date",
            "halo.api.url|ftp://halo|halo.api.url=ftp://halo is not valid: expected an http(s) URL",
            "halo.api.key|''|halo.api.key is not set: set the Halo API key id",
            "halo.api.url|http://halo.example.com|halo.api.url=http://halo.example.com would send the API key and secret in clear",
    })
    void badInputRefusesToStartWithOneLineAndExitCode2(String property, String value, String message) throws Exception {
        Process process = connector(Map.of(property, value));
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        String stderr = Files.readString(work.resolve("stderr.log"));
        assertThat(stderr.lines().filter(line -> line.startsWith("halo-connector: ")).toList())
                .containsExactly("halo-connector: " + stderr.lines().filter(l -> l.startsWith("halo-connector: "))
                        .findFirst().orElseThrow().substring("halo-connector: ".length()));
        assertThat(stderr).contains("halo-connector: " + message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }
}
