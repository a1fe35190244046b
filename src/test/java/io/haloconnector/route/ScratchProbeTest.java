package io.haloconnector.route;

import io.haloconnector.LogCapture;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.time.*;
import java.util.Map;
import static org.awaitility.Awaitility.await;

class ScratchProbeTest {
    @TempDir Path work;
    @Test
    void probe() throws Exception {
        try (HaloSimulator sim = HaloSimulator.start(SimulatorConfig.builder().build())) {
            sim.events().generate(16, Instant.now().minus(Duration.ofHours(3)), Instant.now().minus(Duration.ofHours(1)), 100);
            Map<String, String> props = RunningConnector.properties(sim, work);
            props.put("halo.api.secret", "wrong-secret-1234");
            try (LogCapture logs = new LogCapture(Level.INFO); RunningConnector c = RunningConnector.start(props)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> logs.lines(Level.ERROR).size() >= 3);
                System.out.println("=====PROBE\n" + logs.text() + "\n=====END");
            }
        }
    }
}
