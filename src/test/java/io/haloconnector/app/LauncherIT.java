package io.haloconnector.app;

import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.EventFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * to the jar are on the classpath. README's Quick start, Configure and lib/ (JMS) recipes run here
 * as written, with only the placeholders each test names rewritten.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("bin", "halo-connector").toAbsolutePath();
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
    @Timeout(60)
    void theBuiltJarPrintsItsVersionAndItsHelp() throws Exception {
        String version;
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of("target", "halo-connector.jar").toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        assertThat(version).as("the manifest's Implementation-Version").isNotBlank();
        for (List<String> args : List.of(List.of("--version"), List.of("--help"))) {
            List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
            command.addAll(args);
            Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(args + ": " + out).isZero();
            assertThat(out).startsWith(args.contains("--version") ? "halo-connector " + version + "\n" : "Usage: halo-connector");
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

    @Test
    @Timeout(180)
    void readmesQuickStartRunsTheDemoFromTheBuiltJarUntilItsFirstPollIsDone() throws Exception {
        String[] commands = Readme.recipe("quick-start").text().strip().split(" && ");
        assertThat(commands).as("build, then run").hasSize(2);
        // the build cannot run inside the build: it is the command the launcher names when the jar is missing
        assertThat(commands[0]).isEqualTo(launcherBuildCommand());

        // the run, from a folder of its own: bin/ is the project's (it finds target/ beside it), ./demo is made there
        Path folder = Files.createDirectories(work.resolve("quick-start"));
        Files.createSymbolicLink(folder.resolve("bin"), LAUNCHER.getParent());
        Path stderr = folder.resolve("stderr.log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", commands[1]).directory(folder.toFile()).redirectError(stderr.toFile());
        clean(builder.environment());
        // the demo keeps the template's health server, on 9876 by default: a free port, so a connector running elsewhere does not matter
        int port = freePort();
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Dcamel.management.port=" + port);
        Process demo = builder.start();
        Stdout stdout = stdout(demo);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> !demo.isAlive() || Files.readString(stderr).contains("Poll done: "));
            assertThat(demo.isAlive()).as("the demo runs: %s", Files.readString(stderr)).isTrue();
            // the shaded jar keeps the console's service file: the console is served from it
            String console = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/q/dev/halo")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(console).contains("Account default (one node: polls it)").containsPattern("polls +[1-9]\\d* completed");
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C
        }
        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.exitValue()).as("exit status").isZero();
        stdout.reader().join(5_000);
        List<String> ids = new ArrayList<>();
        for (String line : stdout.lines()) {
            ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
        }
        System.out.printf("[readme] quick start: %d events on stdout by the first 'Poll done' line%n", ids.size());
        assertThat(ids).as("the demo's three days of events, one JSON object per line").hasSizeGreaterThanOrEqualTo(12_000);
        assertThat(new HashSet<>(ids)).as("each once").hasSameSizeAs(ids);
        assertThat(folder.resolve("demo").resolve("state")).as("the demo's state under ./demo").isDirectory();
    }

    @Test
    @Timeout(360)
    void readmesJmsRecipeFillsLibAndTheConnectorLoadsTheComponentTheBeanAndTheRoute() throws Exception {
        // README's commands, as written, in a folder of their own: jms-lib/pom.xml, then lib/ filled by Maven
        Path run = Files.createDirectories(work.resolve("jms"));
        ProcessBuilder maven = new ProcessBuilder("bash", "-euc", Readme.recipe("lib-jms-sh").text()).directory(run.toFile())
                .redirectErrorStream(true).redirectOutput(run.resolve("maven.log").toFile());
        Process copy = maven.start();
        assertThat(copy.waitFor(300, TimeUnit.SECONDS)).as("Maven copied the jars within 5 minutes").isTrue();
        assertThat(copy.exitValue()).as("README's lib/ commands: %s", Files.readString(run.resolve("maven.log"))).isZero();
        List<String> jars;
        try (var files = Files.list(run.resolve("lib"))) {
            jars = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).contains("camel-jms-4.18.0.jar", "artemis-jakarta-client-2.44.0.jar")
                .noneMatch(jar -> jar.startsWith("camel-core-") || jar.startsWith("camel-base") || jar.startsWith("slf4j-"));

        // README's connection factory and output route; no broker listens on the port it names
        int noBroker = freePort();
        Readme.recipe("lib-jms-properties").rewrite(Map.of("tcp://artemis:61616", "tcp://127.0.0.1:" + noBroker))
                .writeTo(run.resolve("application.properties"));
        Path routes = Files.createDirectories(run.resolve("routes"));
        Files.copy(Path.of("routes", "halo-events.yaml"), routes.resolve("halo-events.yaml"));
        Files.copy(Path.of("routes", "halo-accounts.yaml"), routes.resolve("halo-accounts.yaml"));
        Readme.recipe("lib-jms-route-yaml").writeTo(routes.resolve("output-stdout.yaml"));
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().minus(Duration.ofHours(2));
            simulator.events().generate(9, start, Instant.now().minusSeconds(30), 50);
            Path stderr = run.resolve("stderr.log");
            // README: from a source checkout, HALO_CONNECTOR_LIB=lib bin/halo-connector
            Process connector = launch(simulator, start, run, stderr, Map.of("HALO_CONNECTOR_LIB", "lib"));
            try {
                // each poll reaches the JMS endpoint through Artemis' client, which finds no broker
                await().atMost(Duration.ofSeconds(90)).until(() -> !connector.isAlive() || Files.readString(stderr).contains("Poll stopped: "));
                assertThat(connector.isAlive()).as("the connector runs: %s", Files.readString(stderr)).isTrue();
            } finally {
                connector.destroy();
            }
            assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(stderr);
            System.out.printf("[readme] lib/ with camel-jms and no broker: %s%n",
                    log.lines().filter(line -> line.contains("Poll stopped: ")).findFirst().orElse("no 'Poll stopped' line"));
            assertThat(log).contains("Started halo-output-jms (direct://halo-output)")
                    .containsPattern("Poll stopped: .*(AMQ219007|Failed to create session factory|Cannot connect to server)")
                    .doesNotContain("No endpoint could be found").doesNotContain("ClassNotFoundException")
                    .doesNotContain("NoClassDefFoundError");
            assertThat(connector.exitValue()).isZero();
            assertThat(work.resolve("state").resolve("checkpoint.json")).as("nothing delivered, nothing committed").doesNotExist();
        }
    }

    @Test
    @Timeout(120)
    void readmesConfigureStepRunsFromAnEmptyFolderWithTheSecretInTheEnvironment() throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofHours(6));
            simulator.events().generate(11, start, Instant.now().minusSeconds(60), 700);
            Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
            Path folder = Files.createDirectories(work.resolve("configure"));
            Path var = work.resolve("var");
            String file = Readme.recipe("configure-properties").rewrite(Map.of(
                    "1a2b3c4d", simulator.apiKey(),
                    "halo.start = 2026-09-01", "halo.start = " + start,
                    "/var/lib/halo-connector", var.toString())).text()
                    // the simulator instead of Halo, and no health server on the template's fixed port
                    + "halo.api.url = " + simulator.baseUrl() + "\ncamel.management.enabled = false\n";
            Files.writeString(folder.resolve("application.properties"), file);

            ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString()).directory(folder.toFile())
                    .redirectOutput(folder.resolve("stdout.log").toFile()).redirectError(folder.resolve("stderr.log").toFile());
            clean(builder.environment());
            builder.environment().put("HALO_API_SECRET", simulator.apiSecret());
            Process connector = builder.start();
            Path events = var.resolve("events");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !connector.isAlive() || EventFiles.ids(events).size() >= expected.size());
                assertThat(connector.isAlive()).as("the connector runs: %s", Files.readString(folder.resolve("stderr.log"))).isTrue();
            } finally {
                connector.destroy();
            }
            assertThat(connector.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(connector.exitValue()).isZero();
            List<String> ids = EventFiles.ids(events);
            assertThat(new HashSet<>(ids)).isEqualTo(expected);
            assertThat(ids).hasSameSizeAs(expected);
            assertThat(var.resolve("state").resolve("checkpoint.json")).exists();
        }
    }

    /** The build command the launcher's one line names when it finds no jar. */
    private String launcherBuildCommand() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString()).redirectErrorStream(true);
        clean(builder.environment());
        builder.environment().put("HALO_CONNECTOR_JAR", work.resolve("no-such.jar").toString());
        Process launcher = builder.start();
        String line = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher quoted = Pattern.compile("'(mvn [^']+)'").matcher(line);
        assertThat(quoted.find()).as("the launcher's line names a build command: %s", line).isTrue();
        return quoted.group(1);
    }

    /** The environment without the launcher's own variables, with this JVM's java. */
    private static void clean(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("HALO_") || name.equals("JAVA_TOOL_OPTIONS"));
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** bin/halo-connector with the simulator's settings as -D arguments, in {@code dir}, stderr to {@code stderr}. */
    private Process launch(HaloSimulator simulator, Instant start, Path dir, Path stderr, Map<String, String> env)
            throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(),
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
