package io.haloconnector.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    @Test
    @Timeout(600)
    void springBootApplicationDeliversTwoAccountsOnceAndResumesFromTheirCheckpointsAfterSigterm() throws Exception {
        HostProject host = HostProject.copy("spring-boot-host", work);
        // the application's configuration and route are the docs' recipes, and the project in src/it holds them as they are
        Path resources = host.dir().resolve("src/main/resources");
        assertThat(resources.resolve("application.yaml")).as("src/it/spring-boot-host's application.yaml is the docs' recipe")
                .hasContent(Readme.recipe("spring-boot-application-yaml").text());
        assertThat(resources.resolve("camel/halo-events-to-files.yaml")).as("src/it/spring-boot-host's route is the docs' recipe")
                .hasContent(Readme.recipe("spring-boot-route-yaml").text());
        assertThat(Files.readString(host.dir().resolve("pom.xml"))).as("src/it/spring-boot-host's dependencies are the docs' recipe")
                .contains(Readme.recipe("spring-boot-dependencies-xml").text().lines().map(l -> "    " + l + "\n")
                        .collect(Collectors.joining()));
        host.maven(BUILD_LIMIT, "-q", "package");
        assertThat(host.dir().resolve("target/halo-spring-boot-host.jar")).as("the runnable jar").exists();

        deliversBothAccountsOnceAcrossARestart(host, accounts -> {
            // the docs' command line, its "..." the simulators' keys, then the test's own settings
            String commandLine = Readme.recipe("spring-boot-run-sh").rewrite(Map.of(
                    "--halo-host.east.api-key=...", "--halo-host.east.api-key=" + accounts.get(0).simulator().apiKey(),
                    "--halo-host.east.api-secret=...", "--halo-host.east.api-secret=" + accounts.get(0).simulator().apiSecret(),
                    "--halo-host.west.api-key=...", "--halo-host.west.api-key=" + accounts.get(1).simulator().apiKey(),
                    "--halo-host.west.api-secret=...", "--halo-host.west.api-secret=" + accounts.get(1).simulator().apiSecret()))
                    .text().strip();
            List<String> settings = new ArrayList<>();
            for (Account account : accounts) {
                settings.add("--halo-host." + account.name() + ".api-url=" + account.simulator().baseUrl());
                settings.add("--halo-host." + account.name() + ".state-dir=" + account.stateDir());
                settings.add("--halo-host." + account.name() + ".events-dir=" + account.eventsDir());
            }
            settings.addAll(fastPolls("--", "halo-host.poll-interval", "halo-host.start"));
            return commandLine + " " + String.join(" ", settings);
        });
    }

    /**
     * Runs the host (the command line {@code commandLine} gives for the two accounts) until both
     * accounts' events are in its files, stops it with SIGTERM, adds events, runs it again and checks
     * that only the new ones came.
     */
    private void deliversBothAccountsOnceAcrossARestart(HostProject host, Function<List<Account>, String> commandLine)
            throws Exception {
        Instant start = Instant.now().minus(Duration.ofHours(6));
        try (Account east = Account.start("east", "east-key", "east-secret-" + Long.toHexString(System.nanoTime()), 11, 260, start, work);
             Account west = Account.start("west", "west-key", "west-secret-" + Long.toHexString(System.nanoTime()), 23, 170, start, work)) {
            List<Account> accounts = List.of(east, west);
            String command = commandLine.apply(accounts);

            HostProject.RunningHost first = host.startShell("first", command);
            awaitEveryEvent(first, accounts);
            int firstExit = first.stop(STOP_LIMIT);
            for (Account account : accounts) {
                assertThat(cursor(account)).as("%s's checkpoint after the first run; %s", account.name(), first.tails())
                        .isEqualTo(account.newest());
            }

            // new events on both accounts while the host is down
            east.simulator().events().generate(31, Instant.parse(east.newest()).plusSeconds(1), Instant.now().minusSeconds(1), 40);
            west.simulator().events().generate(37, Instant.parse(west.newest()).plusSeconds(1), Instant.now().minusSeconds(1), 25);
            HostProject.RunningHost second = host.startShell("second", command);
            awaitEveryEvent(second, accounts);
            int secondExit = second.stop(STOP_LIMIT);

            for (Account account : accounts) {
                List<String> delivered = deliveredIds(account.eventsDir());
                assertThat(new HashSet<>(delivered)).as("%s's events in its files", account.name()).isEqualTo(account.ids());
                assertThat(delivered).as("%s: no event twice across the restart", account.name()).hasSameSizeAs(account.ids());
                assertThat(cursor(account)).as("%s's checkpoint after the second run", account.name()).isEqualTo(account.newest());
            }
            // a SIGTERM the JVM's shutdown hooks handled ends it with 143, or 0 where the host exits by itself
            assertThat(List.of(firstExit, secondExit)).as("exit statuses after SIGTERM; %s", second.tails())
                    .allMatch(status -> status == 143 || status == 0);
            for (HostProject.RunningHost run : List.of(first, second)) {
                String logs = run.logs();
                for (Account account : accounts) {
                    assertThat(logs).as("the host's output holds no API secret").doesNotContain(account.simulator().apiSecret());
                }
                assertThat(logs).as("the host's output").doesNotContain(" ERROR ");
            }
        }
    }

    /** The settings that make a test run quick: small pages, a poll every second, no lag, and the events' start. */
    private static List<String> fastPolls(String prefix, String pollIntervalKey, String startKey) {
        return List.of(prefix + pollIntervalKey + "=1s", prefix + startKey + "=" + Instant.now().minus(Duration.ofHours(7)),
                prefix + "halo.perPage=100", prefix + "halo.poll.lag=0s");
    }

    private static void awaitEveryEvent(HostProject.RunningHost host, List<Account> accounts) {
        await().atMost(DELIVERY_LIMIT).pollInterval(Duration.ofMillis(250)).failFast("the host ended; " + host.tails(),
                () -> !host.process().isAlive()).untilAsserted(() -> {
                    for (Account account : accounts) {
                        assertThat(new HashSet<>(deliveredIds(account.eventsDir())))
                                .as("%s's events in its files; %s", account.name(), host.tails()).containsAll(account.ids());
                        assertThat(cursor(account)).as("%s's checkpoint", account.name()).isEqualTo(account.newest());
                    }
                });
    }

    /** The cursor of the account's checkpoint: the one JSON file of its state folder that holds one. */
    private static String cursor(Account account) throws IOException {
        if (!Files.isDirectory(account.stateDir())) {
            return null;
        }
        List<String> cursors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(account.stateDir())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("checkpoint")
                    && f.getFileName().toString().endsWith(".json")).toList()) {
                JsonNode cursor = HaloJson.MAPPER.readTree(file.toFile()).get("cursor");
                if (cursor != null) {
                    cursors.add(cursor.asText());
                }
            }
        }
        assertThat(cursors).as("checkpoints in %s", account.stateDir()).hasSizeLessThanOrEqualTo(1);
        return cursors.isEmpty() ? null : cursors.get(0);
    }

    /** The ids in the account's event files, complete lines only (a page may be being written). */
    private static List<String> deliveredIds(Path events) {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(events)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(events)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String text = Files.readString(file);
                for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                    if (!line.isBlank()) {
                        ids.add(HaloJson.MAPPER.readTree(line).get("id").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }
}
