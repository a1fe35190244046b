package io.haloconnector.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.EventFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector on the runtimes users deploy it on: each host project of src/it depends on
 * io.haloconnector:halo-connector by its coordinates (the build installed it before the ITs), is
 * built by a child Maven and run as a JVM of its own against two simulated Halo accounts, each with
 * its own keys and events. Every event of both accounts reaches the host's files once, each account's
 * checkpoint is in its own state folder, a SIGTERM and a new start deliver only what is new, and no
 * API secret shows in the host's output.
 */
class HostProjectsIT {
    /** A host build's limit: the first one resolves Spring Boot's dependencies. */
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(5);
    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(90);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(45);
    private static final int EXIT_AFTER_SIGTERM = 143;

    /** Kept when a test fails: the host's project, logs, files and checkpoints are what tell why. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    /** One simulated Halo account: its server with keys of its own, and the host's folders for it. */
    record Account(String name, HaloSimulator simulator, Path stateDir, Path eventsDir) implements AutoCloseable {
        static Account start(String name, String key, String secret, long seed, int events, Instant from, Path work)
                throws IOException {
            HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().apiKey(key).apiSecret(secret).build());
            simulator.events().generate(seed, from, Instant.now().minusSeconds(30), events);
            return new Account(name, simulator, work.resolve(name + "/state"), work.resolve(name + "/events"));
        }

        Set<String> ids() {
            return simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        }

        String newest() {
            return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                    .max(Instant::compareTo).orElseThrow().toString();
        }

        @Override
        public void close() {
            simulator.close();
        }
    }

    /** How a host is started for two accounts: its command lines (the last one execs the JVM) and what it takes from the environment. */
    record Launch(String commandLine, Map<String, String> environment) {
    }

    @Test
    @Timeout(600)
    void camelMainHostDeliversTwoAccountsOnceAndResumesFromTheirCheckpointsAfterSigterm() throws Exception {
        HostProject host = HostProject.copy("camel-main-host", work);
        assertThat(Files.readString(host.dir().resolve("src/main/resources/host-routes.yaml")))
                .as("src/it/camel-main-host's routes hold the docs' two-accounts route")
                .contains(Readme.recipe("kamelet-two-accounts-yaml").text());
        // its package phase writes its runtime class path to target/classpath.txt
        host.maven(BUILD_LIMIT, "-q", "package");
        assertThat(host.dir().resolve("target/classpath.txt")).as("the host's class path").exists();

        deliversBothAccountsOnceAcrossARestart(host, accounts -> {
            // the docs' command lines, their settings the simulators' and the test's folders, then the test's own settings
            Map<String, String> rewrites = new LinkedHashMap<>();
            for (Account account : accounts) {
                String name = account.name();
                rewrites.put(name.toUpperCase(Locale.ROOT) + "_APISECRET=...", name.toUpperCase(Locale.ROOT) + "_APISECRET="
                        + account.simulator().apiSecret());
                rewrites.put("-D" + name + ".apiUrl=https://api.cloudpassage.com", "-D" + name + ".apiUrl=" + account.simulator().baseUrl());
                rewrites.put("-D" + name + ".apiKey=...", "-D" + name + ".apiKey=" + account.simulator().apiKey());
                rewrites.put("-D" + name + ".stateDir=/var/lib/halo-host/" + name, "-D" + name + ".stateDir=" + account.stateDir());
                rewrites.put("-D" + name + ".outDir=/var/lib/halo-host/" + name + "-events", "-D" + name + ".outDir=" + account.eventsDir());
            }
            String options = fastPolls().entrySet().stream().map(s -> "-D" + s.getKey() + "=" + s.getValue())
                    .collect(Collectors.joining(" "));
            rewrites.put("java -cp", "exec java -cp");
            rewrites.put("org.apache.camel.main.Main", options + " org.apache.camel.main.Main");
            return new Launch(Readme.recipe("camel-main-host-run-sh").rewrite(rewrites).text(), Map.of());
        });
    }

    @Test
    @Timeout(600)
    void springBootApplicationDeliversTwoAccountsOnceAndResumesFromTheirCheckpointsAfterSigterm() throws Exception {
        HostProject host = HostProject.copy("spring-boot-host", work);
        // the application's configuration, route and dependencies are the docs' recipes, as they are
        Path resources = host.dir().resolve("src/main/resources");
        assertThat(resources.resolve("application.yaml")).as("src/it/spring-boot-host's application.yaml is the docs' recipe")
                .hasContent(Readme.recipe("spring-boot-application-yaml").text());
        assertThat(resources.resolve("camel/halo-two-accounts.yaml")).as("src/it/spring-boot-host's route is the docs' two-accounts route")
                .hasContent(Readme.recipe("kamelet-two-accounts-yaml").text());
        assertThat(Files.readString(host.dir().resolve("pom.xml"))).as("src/it/spring-boot-host's dependencies are the docs' recipe")
                .contains(Readme.recipe("spring-boot-dependencies-xml").text().lines().map(l -> "    " + l + "\n")
                        .collect(Collectors.joining()));
        host.maven(BUILD_LIMIT, "-q", "package");
        assertThat(host.dir().resolve("target/halo-spring-boot-host.jar")).as("the runnable jar").exists();

        deliversBothAccountsOnceAcrossARestart(host, accounts -> {
            // the docs' command lines, their "..." the simulators' keys, and the test's folders and settings as arguments
            Map<String, String> rewrites = new LinkedHashMap<>();
            List<String> arguments = new ArrayList<>();
            for (Account account : accounts) {
                String variable = account.name().toUpperCase(Locale.ROOT);
                rewrites.put(variable + "_APIKEY=...", variable + "_APIKEY=" + account.simulator().apiKey());
                rewrites.put(variable + "_APISECRET=...", variable + "_APISECRET=" + account.simulator().apiSecret());
                arguments.add("--" + account.name() + ".apiUrl=" + account.simulator().baseUrl());
                arguments.add("--" + account.name() + ".stateDir=" + account.stateDir());
                arguments.add("--" + account.name() + ".outDir=" + account.eventsDir());
            }
            fastPolls().forEach((key, value) -> arguments.add("--" + key + "=" + value));
            rewrites.put("java -jar target/halo-spring-boot-host.jar",
                    "exec java -jar target/halo-spring-boot-host.jar " + String.join(" ", arguments));
            return new Launch(Readme.recipe("spring-boot-run-sh").rewrite(rewrites).text(), Map.of());
        });
    }

    /**
     * Runs the host (the command line {@code commandLine} gives for the two accounts) until both
     * accounts' events are in its files, stops it with SIGTERM, adds events, runs it again and checks
     * that only the new ones came.
     */
    private void deliversBothAccountsOnceAcrossARestart(HostProject host, Function<List<Account>, Launch> launch)
            throws Exception {
        Instant start = Instant.now().minus(Duration.ofHours(6));
        try (Account prod = Account.start("prod", "prod-key", "prod-secret-" + Long.toHexString(System.nanoTime()), 11, 260, start, work);
             Account test = Account.start("test", "test-key", "test-secret-" + Long.toHexString(System.nanoTime()), 23, 170, start, work)) {
            List<Account> accounts = List.of(prod, test);
            Launch command = launch.apply(accounts);

            HostProject.RunningHost first = host.startShell("first", command.commandLine(), command.environment());
            awaitEveryEvent(first, accounts);
            int firstExit = first.stop(STOP_LIMIT);
            for (Account account : accounts) {
                assertThat(cursor(account)).as("%s's checkpoint after the first run; %s", account.name(), first.tails())
                        .isEqualTo(account.newest());
            }

            // new events on both accounts while the host is down
            prod.simulator().events().generate(31, Instant.parse(prod.newest()).plusSeconds(1), Instant.now().minusSeconds(1), 40);
            test.simulator().events().generate(37, Instant.parse(test.newest()).plusSeconds(1), Instant.now().minusSeconds(1), 25);
            HostProject.RunningHost second = host.startShell("second", command.commandLine(), command.environment());
            awaitEveryEvent(second, accounts);
            int secondExit = second.stop(STOP_LIMIT);

            for (Account account : accounts) {
                List<String> delivered = EventFiles.ids(account.eventsDir());
                assertThat(new HashSet<>(delivered)).as("%s's events in its files", account.name()).isEqualTo(account.ids());
                assertThat(delivered).as("%s: no event twice across the restart", account.name()).hasSameSizeAs(account.ids());
                assertThat(cursor(account)).as("%s's checkpoint after the second run", account.name()).isEqualTo(account.newest());
            }
            // the JVM's shutdown hooks handled the SIGTERM (the runtime stopped Camel in one), so it ends with 143
            assertThat(List.of(firstExit, secondExit)).as("exit statuses after SIGTERM; %s", second.tails())
                    .containsOnly(EXIT_AFTER_SIGTERM);
            for (HostProject.RunningHost run : List.of(first, second)) {
                String logs = run.logs();
                // the logs are the host's, its routes' start among them
                assertThat(logs).as("the host's output").contains("Started halo-prod").contains("Started halo-test")
                        .doesNotContain(" ERROR ");
                for (Account account : accounts) {
                    assertThat(logs).as("the host's output holds no API secret").doesNotContain(account.simulator().apiSecret());
                }
            }
            // nor does any file the connector wrote: checkpoints, dedup ids, events
            for (Account account : accounts) {
                for (Account other : accounts) {
                    assertThat(filesHolding(account.stateDir().getParent(), other.simulator().apiSecret()))
                            .as("files of %s holding %s's API secret", account.name(), other.name()).isEmpty();
                }
            }
        }
    }

    /** The settings that make a test run quick: the route's first-run start and poll interval, small pages, no lag. */
    private static Map<String, String> fastPolls() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("host.start", Instant.now().minus(Duration.ofHours(7)).toString());
        settings.put("host.pollInterval", "1s");
        settings.put("halo.perPage", "100");
        settings.put("halo.poll.lag", "0s");
        return settings;
    }

    private static void awaitEveryEvent(HostProject.RunningHost host, List<Account> accounts) {
        await().atMost(DELIVERY_LIMIT).pollInterval(Duration.ofMillis(250)).failFast("the host ended; " + host.tails(),
                () -> !host.process().isAlive()).untilAsserted(() -> {
                    for (Account account : accounts) {
                        assertThat(new HashSet<>(EventFiles.ids(account.eventsDir())))
                                .as("%s's events in its files; %s", account.name(), host.tails()).containsAll(account.ids());
                        assertThat(cursor(account)).as("%s's checkpoint", account.name()).isEqualTo(account.newest());
                    }
                });
    }

    /** The files under {@code dir} whose bytes hold {@code text}. */
    private static List<Path> filesHolding(Path dir, String text) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> holding = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (Files.readString(file, StandardCharsets.ISO_8859_1).contains(text)) {
                    holding.add(file);
                }
            }
            return holding;
        }
    }

    /**
     * The cursor of the account's checkpoint, {@code <stateDir>/checkpoint.json} as the Kamelet's
     * docs say (read by name: a walk of the folder would meet the save's temporary file, which the
     * atomic rename takes away at any moment).
     */
    private static String cursor(Account account) throws IOException {
        Path checkpoint = account.stateDir().resolve("checkpoint.json");
        if (!Files.isRegularFile(checkpoint)) {
            return null;
        }
        JsonNode cursor = HaloJson.MAPPER.readTree(checkpoint.toFile()).get("cursor");
        return cursor == null ? null : cursor.asText();
    }
}
