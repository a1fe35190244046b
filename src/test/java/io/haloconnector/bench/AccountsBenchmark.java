package io.haloconnector.bench;

import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.AccountsFile;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many Halo accounts one connector node serves: for each account count, that many Halo
 * simulators (one key each, in this JVM), one HEC receiver (in this JVM, keeping no envelopes)
 * and the connector as shipped ({@code bin/halo-connector}, its own process) with one
 * templatedRoute per account. Measures the catch-up of every account's backlog (events/s, the
 * connector's CPU per event from the first delivery on, peak RSS, threads), then the steady state: polls on the cron with
 * a trickle of new events, the connector's CPU share and the Halo requests each account makes a
 * minute. Prints a Markdown table.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *   io.haloconnector.bench.AccountsBenchmark --accounts 1,10,50 --events 2000 --steady-seconds 60</pre>
 */
public final class AccountsBenchmark {
    private static final String HEC_TOKEN = "bench-hec-token";
    private static final long CLOCK_TICKS = 100;

    private AccountsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = List.of(1, 10, 50);
        int events = 2000;
        int steadySeconds = 60;
        int latencyMs = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--accounts" -> counts = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--steady-seconds" -> steadySeconds = Integer.parseInt(args[i + 1]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("halo-accounts-bench");
        List<String> rows = new ArrayList<>();
        for (int accounts : counts) {
            rows.add(run(work.resolve("accounts-" + accounts), accounts, events, steadySeconds, latencyMs));
            System.err.println(rows.get(rows.size() - 1));
        }
        System.out.printf("%nAccounts per node: %d events per account, Halo latency %d ms, HEC on loopback,"
                + " cron every 10 s in the steady state (%d s); load average %s%n%n", events, latencyMs, steadySeconds,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.println("| accounts | events | catch-up s (from launch) | events/s (from the first) | connector µs CPU/event"
                + " (from the first) | peak RSS MB | threads"
                + " | steady CPU % of one core | Halo requests/min per account |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String run(Path dir, int accounts, int events, int steadySeconds, int latencyMs) throws Exception {
        Files.createDirectories(dir);
        List<HaloSimulator> simulators = new ArrayList<>();
        HecReceiver receiver = HecReceiver.start(HecReceiverConfig.builder().token(HEC_TOKEN).retainEnvelopes(false).build());
        Process connector = null;
        Instant start = Instant.now().minus(Duration.ofDays(2));
        try {
            AccountsFile yaml = new AccountsFile();
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 0; i < accounts; i++) {
                HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().apiKey("bench-key-" + i)
                        .latency(Duration.ofMillis(latencyMs)).build());
                simulators.add(simulator);
                simulator.events().generate(100 + i, start, Instant.now().minusSeconds(30), events);
                String name = "account-" + i;
                yaml.account(name, simulator.apiKey(), "bench." + name + ".secret",
                        Map.of("url", simulator.baseUrl().toString(), "start", start.toString()));
                props.put("bench." + name + ".secret", simulator.apiSecret());
            }
            Path accountsFile = dir.resolve("accounts.yaml");
            Files.writeString(accountsFile, yaml.toString());
            Path routes = Path.of("routes").toAbsolutePath();
            props.put("camel.main.routesIncludePattern", "file:" + routes.resolve("halo-events.yaml") + ",file:"
                    + routes.resolve("output-hec.yaml") + ",file:" + accountsFile);
            props.put("halo.output", "hec");
            props.put("hec.url", receiver.baseUrl().toString());
            props.put("hec.token", HEC_TOKEN);
            props.put("halo.state.dir", dir.resolve("state").toString());
            props.put("halo.poll.cron", "0/10 * * * * ?");
            props.put("halo.poll.lag", "0s");
            props.put("camel.management.enabled", "false");
            List<String> command = new ArrayList<>(List.of(Path.of("bin", "halo-connector").toAbsolutePath().toString()));
            props.forEach((key, value) -> command.add("-D" + key + "=" + value));
            ProcessBuilder launch = new ProcessBuilder(command).directory(dir.toFile());
            launch.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            launch.environment().put("HALO_CONNECTOR_JAR", Path.of("target", "halo-connector.jar").toAbsolutePath().toString());
            connector = launch.redirectOutput(dir.resolve("connector.out").toFile())
                    .redirectError(dir.resolve("connector.err").toFile()).start();
            long total = (long) accounts * events;
            long launched = System.nanoTime();
            long deadline = launched + Duration.ofSeconds(120 + total / 200).toNanos();
            long firstAt = 0;
            long cpuAtFirst = 0;
            long acceptedAtFirst = 0;
            while (receiver.stats().eventsAccepted() < total && System.nanoTime() < deadline && connector.isAlive()) {
                if (firstAt == 0 && receiver.stats().eventsAccepted() > 0) {
                    // from the first delivery on: the JVM's start and the routes' creation are not per event
                    firstAt = System.nanoTime();
                    cpuAtFirst = ConnectorBenchmark.cpuTicks(connector.pid());
                    acceptedAtFirst = receiver.stats().eventsAccepted();
                }
                Thread.sleep(20);
            }
            double catchUp = (System.nanoTime() - launched) / 1e9;
            if (firstAt == 0 || acceptedAtFirst >= total) {
                // all of it came before the first look: measured from the launch, start-up included
                firstAt = launched;
                cpuAtFirst = 0;
                acceptedAtFirst = 0;
            }
            double delivering = (System.nanoTime() - firstAt) / 1e9;
            long accepted = receiver.stats().eventsAccepted();
            long cpuCatchUp = ConnectorBenchmark.cpuTicks(connector.pid()) - cpuAtFirst;
            if (accepted < total) {
                return String.format("| %d | %d of %d | did not finish in %.0f s (see %s) | | | | | | |", accounts, accepted,
                        total, catchUp, dir.resolve("connector.err"));
            }
            // the steady state: a trickle of new events per account, polls on the cron
            long requestsBefore = simulators.stream().mapToLong(s -> s.stats().eventsRequests() + s.stats().tokenRequests()).sum();
            long cpuBefore = ConnectorBenchmark.cpuTicks(connector.pid());
            long steadyStart = System.nanoTime();
            for (int second = 0; second < steadySeconds; second++) {
                if (second % 10 == 5) {
                    for (int i = 0; i < accounts; i++) {
                        simulators.get(i).events().generate(1000 + second * 100 + i, Instant.now().minusSeconds(5),
                                Instant.now().minusSeconds(1), 5);
                    }
                }
                Thread.sleep(1000);
            }
            double steadyWall = (System.nanoTime() - steadyStart) / 1e9;
            double steadyCpu = (ConnectorBenchmark.cpuTicks(connector.pid()) - cpuBefore) / (double) CLOCK_TICKS;
            long requests = simulators.stream().mapToLong(s -> s.stats().eventsRequests() + s.stats().tokenRequests()).sum()
                    - requestsBefore;
            long rss = ConnectorBenchmark.peakRssKb(connector.pid());
            long threads = Files.readAllLines(Path.of("/proc", Long.toString(connector.pid()), "status")).stream()
                    .filter(line -> line.startsWith("Threads:")).mapToLong(line -> Long.parseLong(line.split("\\s+")[1]))
                    .findFirst().orElse(-1);
            return String.format("| %d | %d | %.1f | %.0f | %.1f | %d | %d | %.1f | %.1f |", accounts, total, catchUp,
                    (total - acceptedAtFirst) / delivering, cpuCatchUp / (double) CLOCK_TICKS * 1e6 / (total - acceptedAtFirst),
                    rss / 1024, threads,
                    100 * steadyCpu / steadyWall, requests / (steadyWall / 60.0) / accounts);
        } finally {
            if (connector != null) {
                connector.destroy();
                if (!connector.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    connector.destroyForcibly();
                }
            }
            receiver.close();
            simulators.forEach(HaloSimulator::close);
        }
    }
}
