package io.haloconnector.app;

import io.haloconnector.config.ConnectorProperty;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.LiveAppender;
import io.haloconnector.simulator.SimulatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code --demo}: the bundled Halo simulator with three days of events (and new ones arriving,
 * some late), on a free loopback port; the connector is pointed at it with its state and files
 * under {@code ./demo}, which each demo run starts afresh.
 */
final class DemoMode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoMode.class);
    private static final Path ROOT = Path.of("demo");

    private final HaloSimulator simulator;
    private final LiveAppender live;
    private final Instant start;

    private DemoMode(HaloSimulator simulator, LiveAppender live, Instant start) {
        this.simulator = simulator;
        this.live = live;
        this.start = start;
    }

    static DemoMode start() throws IOException {
        deleteRecursively(ROOT);
        HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20)).build());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(3));
        int count = simulator.events().generate(42, start, now, 12_000);
        LiveAppender live = simulator.events().startLive(7, 0.5, 0.2, Duration.ofSeconds(30));
        LOG.info("Demo: Halo simulator at {} with {} events since {}; new events arrive every few seconds,"
                + " some up to 30 s late. State and files go to {}", simulator.baseUrl(), count, start, ROOT.toAbsolutePath());
        return new DemoMode(simulator, live, start);
    }

    /** Properties that point the connector at the simulator. */
    Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("halo.api.url", simulator.baseUrl().toString());
        overrides.put("halo.api.key", simulator.apiKey());
        overrides.put("halo.api.secret", simulator.apiSecret());
        overrides.put("halo.start", start.toString());
        // the demo's checkpoint in ./demo whatever store a named file chose: never in a deployment's database
        overrides.put("halo.state.store", "file");
        overrides.put("halo.state.dir", ROOT.resolve("state").toString());
        overrides.put("halo.file.dir", ROOT.resolve("events").toString());
        overrides.put("halo.poll.cron", "0/10 * * * * ?");
        overrides.put("halo.poll.lag", "2s");
        overrides.put("halo.poll.overlap", "40s");
        return overrides;
    }

    /**
     * The connector's settings that the environment sets (HALO_API_SECRET, HEC_URL ...), comma-separated,
     * or empty. Camel ranks them above the demo's own, so with them the demo would reach a deployment's
     * Halo account, output or state.
     */
    static String settingsInTheEnvironment(Map<String, String> environment) {
        return Arrays.stream(ConnectorProperty.values())
                .map(property -> property.property().toUpperCase(Locale.ROOT).replace('.', '_'))
                .filter(environment::containsKey)
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        live.close();
        simulator.close();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
