package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.testkit.EventFiles;
import org.apache.camel.main.Main;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector as camel-main runs it, in this JVM, with the project's YAML routes, polling a
 * simulator every second and writing to files under a test folder (which is how tests read
 * what was delivered).
 */
final class RunningConnector implements AutoCloseable {

    private final Main main;
    private final Path eventsDir;

    private RunningConnector(Main main, Path eventsDir) {
        this.main = main;
        this.eventsDir = eventsDir;
    }

    static Map<String, String> properties(HaloSimulator simulator, Path work) {
        Map<String, String> props = new HashMap<>();
        props.put("halo.api.url", simulator.baseUrl().toString());
        props.put("halo.api.key", simulator.apiKey());
        props.put("halo.api.secret", simulator.apiSecret());
        props.put("halo.output", "file");
        props.put("halo.state.dir", work.resolve("state").toString());
        props.put("halo.file.dir", work.resolve("events").toString());
        props.put("halo.poll.cron", "* * * * * ?");
        props.put("halo.poll.lag", "0s");
        props.put("halo.retry.maxDelay", "200ms");
        props.put("halo.progress.interval", "1s");
        props.put("camel.main.shutdownTimeout", "10");
        props.put("camel.management.enabled", "false"); // ObservabilityTest turns it on, on a free port
        return props;
    }

    static RunningConnector start(Map<String, String> props) throws Exception {
        Main main = ConnectorMain.create(props);
        main.start();
        return new RunningConnector(main, Path.of(props.get("halo.file.dir")));
    }

    /** Every complete line of every event file, in file order. */
    static List<JsonNode> delivered(Path eventsDir) {
        return EventFiles.events(eventsDir);
    }

    List<JsonNode> delivered() {
        return delivered(eventsDir);
    }

    /** The running connector's Camel context. */
    org.apache.camel.CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
