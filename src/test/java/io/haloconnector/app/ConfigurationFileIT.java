package io.haloconnector.app;

import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configuration a user owns, run the way README's Configure section says: {@code bin/halo-connector}
 * (the jar {@code mvn package} built) in a folder holding only an {@code application.properties}, the
 * secret in the environment. Its values beat the defaults packed in the jar; -D and the environment beat
 * it; {@code --config FILE} and HALO_CONNECTOR_CONFIG name another file, whose routes/ folder holds the
 * routes; the start-up log says where each setting came from, secrets masked.
 */
class ConfigurationFileIT {
    private static final Path LAUNCHER = Path.of("bin", "halo-connector").toAbsolutePath();
    private static final String FILE_SECRET = "file-token-that-must-not-be-logged";

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private Instant start;
    private Set<String> expected;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void simulator() throws IOException {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        start = Instant.now().minus(Duration.ofHours(6));
        simulator.events().generate(22, start, Instant.now().minusSeconds(30), 600);
        expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
    }

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        simulator.close();
    }

    @Test
    @Timeout(120)
    void aFolderHoldingOnlyApplicationPropertiesConfiguresTheConnectorOverThePackedDefaults() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        Path config = writeProperties(run.resolve("application.properties"), 100, "file",
                "halo.file.dir = events", "hec.token = " + FILE_SECRET);
        assertThat(run.toFile().list()).as("the folder holds only the file").containsExactly("application.properties");

        Process connector = launch(run, Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> !connector.isAlive() || eventFileIds(run.resolve("events")).size() >= expected.size());
        String log = terminate(connector, run);

        assertThat(log).contains("Output file, 100 events a page")
                .contains("[" + config + "] halo.perPage = 100")
                .contains("[" + config + "] halo.output = file")
                .contains("[" + config + "] hec.token = xxxxxx")
                .contains("[OS Environment Variable HALO_API_SECRET] halo.api.secret = xxxxxx")
                .doesNotContain(FILE_SECRET).doesNotContain(simulator.apiSecret());
        assertThat(log).as("the packed defaults are not listed as the user's").doesNotContain("] halo.fetch.concurrency =");
        List<String> ids = eventFileIds(run.resolve("events"));
        assertThat(ids).as("every event once, in the file's halo.file.dir").hasSameSizeAs(expected);
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(run.resolve("state/checkpoint.json")).as("halo.state.dir of the file").exists();
    }

    @Test
    @Timeout(120)
    void dashDAndTheEnvironmentBeatTheFile() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        writeProperties(run.resolve("application.properties"), 100, "file", "halo.file.dir = events");
        Path fromEnvironment = work.resolve("events-from-environment");

        Process connector = launch(run, Map.of("HALO_FILE_DIR", fromEnvironment.toString()), "-Dhalo.perPage=50");
        await().atMost(Duration.ofSeconds(60)).until(() -> !connector.isAlive() || eventFileIds(fromEnvironment).size() >= expected.size());
        String log = terminate(connector, run);

        assertThat(log).contains("Output file, 50 events a page")
                .contains("[JVM System Property] halo.perPage = 50")
                .contains("[OS Environment Variable HALO_FILE_DIR] halo.file.dir = " + fromEnvironment);
        assertThat(new HashSet<>(eventFileIds(fromEnvironment))).isEqualTo(expected);
        assertThat(run.resolve("events")).as("the file's halo.file.dir lost").doesNotExist();
    }

    @Test
    @Timeout(120)
    void configNamesTheFileOverTheVariableAndTheWorkingFolderAndItsRoutesFolderHoldsTheRoutes() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        Path local = writeProperties(run.resolve("application.properties"), 100, "file");
        Path etc = Files.createDirectories(work.resolve("etc"));
        Path named = writeProperties(etc.resolve("halo.properties"), 200, "stdout");
        // the routes beside the named file: the poll as shipped, the stdout output under an id of its own
        Path routes = Files.createDirectories(etc.resolve("routes"));
        Files.copy(Path.of("routes", "halo-events.yaml"), routes.resolve("halo-events.yaml"));
        Files.copy(Path.of("routes", "halo-accounts.yaml"), routes.resolve("halo-accounts.yaml"));
        Files.writeString(routes.resolve("output-stdout.yaml"), Files.readString(Path.of("routes", "output-stdout.yaml"))
                .replace("id: halo-output-stdout", "id: halo-output-beside-the-config"));

        Process connector = launch(run, Map.of(UserConfiguration.ENVIRONMENT_VARIABLE, local.toString()), "--config", named.toString());
        Path stdout = run.resolve("stdout.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> !connector.isAlive() || lines(stdout).size() >= expected.size());
        String log = terminate(connector, run);

        assertThat(log).contains("Output stdout, 200 events a page").contains("[" + named + "] halo.perPage = 200")
                .contains("Configuration: " + named + " (named by --config)")
                .contains("halo-output-beside-the-config");
        List<String> ids = new ArrayList<>();
        for (String line : lines(stdout)) {
            ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
        }
        assertThat(ids).hasSameSizeAs(expected);
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
    }

    @Test
    @Timeout(120)
    void haloConnectorConfigNamesTheFileOverTheWorkingFolders() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        writeProperties(run.resolve("application.properties"), 100, "file", "halo.file.dir = events");
        Path named = writeProperties(Files.createDirectories(work.resolve("etc")).resolve("application.properties"), 200, "file",
                "halo.file.dir = " + work.resolve("events-of-the-named-file"));

        Process connector = launch(run, Map.of(UserConfiguration.ENVIRONMENT_VARIABLE, named.toString()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !connector.isAlive() || eventFileIds(work.resolve("events-of-the-named-file")).size() >= expected.size());
        String log = terminate(connector, run);

        assertThat(log).contains("Output file, 200 events a page").contains("[" + named + "] halo.perPage = 200")
                .contains("Configuration: " + named + " (named by HALO_CONNECTOR_CONFIG)");
        assertThat(new HashSet<>(eventFileIds(work.resolve("events-of-the-named-file")))).isEqualTo(expected);
        assertThat(run.resolve("events")).doesNotExist();
    }

    @Test
    @Timeout(120)
    void aConfigFileThatIsNotThereOrNotNamedIsOneLineAndExitTwo() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        Process argument = launch(run, Map.of(), "--config", "nowhere.properties");
        assertThat(argument.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(argument.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        String said = Files.readString(run.resolve("stderr.log")).strip();
        assertThat(said).as("one line").doesNotContain("\n")
                .isEqualTo("halo-connector: --config nowhere.properties: no such file (" + run.resolve("nowhere.properties")
                        + "): name an existing properties file");

        Process variable = launch(run, Map.of(UserConfiguration.ENVIRONMENT_VARIABLE, "/nowhere/application.properties"));
        assertThat(variable.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(variable.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        assertThat(Files.readString(run.resolve("stderr.log")).strip()).doesNotContain("\n")
                .startsWith("halo-connector: HALO_CONNECTOR_CONFIG=/nowhere/application.properties: no such file");

        Process noFile = launch(run, Map.of(), "--config");
        assertThat(noFile.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(noFile.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        assertThat(Files.readString(run.resolve("stderr.log")).strip())
                .isEqualTo("halo-connector: --config needs the properties file: --config FILE");
    }

    @Test
    @Timeout(120)
    void theDemoTakesTheSettingsOfTheNamedFile() throws Exception {
        Path run = Files.createDirectories(work.resolve("run"));
        Path named = work.resolve("demo.properties");
        Files.writeString(named, "halo.perPage = 100\nhalo.output = file\ncamel.management.enabled = false\n");
        Process connector = launch(run, Map.of(), "--demo", "--config", named.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> !connector.isAlive() || !eventFileIds(run.resolve("demo/events")).isEmpty());
        String log = terminate(connector, run);
        assertThat(log).contains("Demo: Halo simulator at").contains("Output file, 100 events a page");
    }

    @Test
    @Timeout(120)
    void theDemoKeepsToItsSimulatorStdoutAndStateWhateverADeploymentsEnvironmentAndFileSay() throws Exception {
        // a deployment's folder and shell: its file and variables name a real output, state and secret
        Path run = Files.createDirectories(work.resolve("deployment"));
        Path prodState = work.resolve("prod-state");
        Files.writeString(run.resolve("application.properties"), "halo.output = hec\nhec.url = http://127.0.0.1:9\n"
                + "halo.state.store = jdbc\nhalo.state.jdbc.url = jdbc:postgresql://127.0.0.1:9/halo\nhalo.state.dir = " + prodState + "\n");
        Map<String, String> env = Map.of("HALO_API_SECRET", FILE_SECRET, "HALO_STATE_DIR", prodState.toString(),
                "HALO_OUTPUT", "hec", "HEC_URL", "http://127.0.0.1:9", "HALO_CONNECTOR_CONFIG", run.resolve("application.properties").toString());

        Process demo = launch(run, env, "--demo", "-Dcamel.management.enabled=false");
        await().atMost(Duration.ofSeconds(90)).until(() -> !demo.isAlive() || Files.readString(run.resolve("stderr.log")).contains("Poll done: "));
        String log = terminate(demo, run);
        assertThat(log).contains("halo-connector: --demo leaves out ").contains("HALO_API_SECRET").contains("HEC_URL")
                .contains("Output stdout").doesNotContain(FILE_SECRET);
        List<String> events = lines(run.resolve("stdout.log"));
        assertThat(events).as("the demo's events on stdout").hasSizeGreaterThanOrEqualTo(12_000);
        assertThat(run.resolve("demo/state/checkpoint.json")).as("the demo's checkpoint in ./demo").exists();
        assertThat(prodState).as("nothing in the deployment's state folder").doesNotExist();
    }

    @Test
    void theDemoRunWithoutTheLauncherRefusesADeploymentsEnvironmentInOneLine() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Path.of("target", "halo-connector.jar").toAbsolutePath().toString(), "io.haloconnector.app.ConnectorMain", "--demo")
                .directory(work.toFile()).redirectErrorStream(true);
        builder.environment().put("HALO_STATE_STORE", "jdbc");
        Process demo = builder.start();
        started.add(demo);
        String output = new String(demo.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).isEqualTo(ConnectorMain.EXIT_CONFIGURATION);
        assertThat(output).as("one line").doesNotContain("\n")
                .startsWith("halo-connector: --demo runs on its own simulator and ./demo, but the environment sets HALO_STATE_STORE");
        assertThat(work.resolve("demo")).as("no demo started").doesNotExist();
    }

    /** A user's file: the simulator, the first-run start, the page size and output, plus {@code more} lines. */
    private Path writeProperties(Path file, int perPage, String output, String... more) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "halo.api.url = " + simulator.baseUrl(),
                "halo.api.key = " + simulator.apiKey(),
                "halo.start = " + start,
                "halo.perPage = " + perPage,
                "halo.output = " + output,
                "halo.poll.cron = * * * * * ?",
                "halo.poll.lag = 0s",
                "halo.state.dir = state",
                // the packed defaults serve health on 9876, which another connector on this machine may hold
                "camel.management.enabled = false"));
        lines.addAll(List.of(more));
        return Files.writeString(file, String.join("\n", lines) + "\n");
    }

    /** bin/halo-connector in {@code dir} with the secret in the environment (but for the demo); stdout and stderr to files there. */
    private Process launch(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        // nothing of this machine's own connector settings
        builder.environment().keySet().removeIf(name -> name.startsWith("HALO_") || name.startsWith("HEC_")
                || name.startsWith("KAFKA_") || name.startsWith("SYSLOG_"));
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!command.contains("--demo")) {
            // the environment beats the demo's own simulator settings
            builder.environment().put("HALO_API_SECRET", simulator.apiSecret());
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** SIGTERM; the connector in {@code dir} must still have been running and stop with exit 0. Returns its stderr. */
    private static String terminate(Process connector, Path dir) throws Exception {
        boolean wasRunning = connector.isAlive();
        connector.destroy();
        assertThat(connector.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        String log = Files.readString(dir.resolve("stderr.log"));
        assertThat(wasRunning).as("still running before the stop: %s", log).isTrue();
        assertThat(connector.exitValue()).as("exit status: %s", log).isZero();
        return log;
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file);
        List<String> lines = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The ids in the event files of {@code folder}, complete lines only (a page may be being written). */
    private static List<String> eventFileIds(Path folder) throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                for (String line : lines(file)) {
                    ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
                }
            }
        }
        return ids;
    }
}
