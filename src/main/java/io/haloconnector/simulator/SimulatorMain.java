package io.haloconnector.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as its own process. Options: {@code --port N (0) --events N (50000) --days N (7)
 * --seed N (1) --latency-ms N (0) --rate-limit N (0) --live-per-second X (0) --key K --secret S}.
 * Prints one line, {@code halo-simulator listening on http://127.0.0.1:PORT}, then runs until killed; on
 * SIGTERM it prints {@code halo-simulator stats: ...} (requests and answers by status) to stderr.
 */
public final class SimulatorMain {

    private static final Set<String> OPTIONS = Set.of(
            "port", "events", "days", "seed", "latency-ms", "rate-limit", "live-per-second", "key", "secret");

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        // before the first logger exists: stdout is reserved for the "listening on" line
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/haloconnector/simulator/logback-simulator.xml");
        }
        Logger log = LoggerFactory.getLogger(SimulatorMain.class);
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("halo-simulator: " + e.getMessage());
            System.err.println("options: --port N --events N --days N --seed N --latency-ms N --rate-limit N"
                    + " --live-per-second X --key K --secret S");
            System.exit(2);
            return;
        }
        SimulatorConfig.Builder config = SimulatorConfig.builder()
                .port(Integer.parseInt(options.getOrDefault("port", "0")))
                .latency(Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "0"))))
                .rateLimitPerSecond(Integer.parseInt(options.getOrDefault("rate-limit", "0")));
        if (options.containsKey("key")) {
            config.apiKey(options.get("key"));
        }
        if (options.containsKey("secret")) {
            config.apiSecret(options.get("secret"));
        }
        int count = Integer.parseInt(options.getOrDefault("events", "50000"));
        int days = Integer.parseInt(options.getOrDefault("days", "7"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        double livePerSecond = Double.parseDouble(options.getOrDefault("live-per-second", "0"));

        HaloSimulator simulator = HaloSimulator.start(config.build());
        Instant now = Instant.now();
        long started = System.nanoTime();
        simulator.events().generate(seed, now.minus(Duration.ofDays(days)), now, count);
        log.info("generated {} events over the last {} days in {} ms", count, days,
                (System.nanoTime() - started) / 1_000_000);
        if (livePerSecond > 0) {
            simulator.events().startLive(seed, livePerSecond, 0.1, Duration.ofSeconds(5));
            log.info("appending about {} live events per second", livePerSecond);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // the benchmark reads this line for the share of 429 answers
            System.err.println("halo-simulator stats: " + statsLine(simulator.stats()));
            System.err.flush();
            simulator.close();
            stopped.countDown();
        }, "halo-sim-shutdown"));
        System.out.println("halo-simulator listening on " + simulator.baseUrl());
        System.out.flush();
        stopped.await();
    }

    /** One line, e.g. {@code events_requests=400 token_requests=1 events_served=200000 status={200=401}}. */
    static String statsLine(SimulatorStats stats) {
        return "events_requests=" + stats.eventsRequests() + " token_requests=" + stats.tokenRequests()
                + " events_served=" + stats.eventsServed() + " status=" + stats.statusCounts();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            options.put(name, value);
        }
        return options;
    }
}
