package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.simulator.HaloSimulator;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    /** Every line of every event file, in file order. */
    static List<JsonNode> delivered(Path eventsDir) {
        List<JsonNode> events = new ArrayList<>();
        if (!Files.isDirectory(eventsDir)) {
            return events;
        }
        try (Stream<Path> files = Files.list(eventsDir)) {
            for (Path file : files.sorted().toList()) {
                String text = Files.readString(file);
                // only complete lines: the connector may be writing the next page right now
                for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                    if (!line.isEmpty()) {
                        events.add(HaloJson.MAPPER.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
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
