package io.haloconnector.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.testkit.splunkd.SplunkdStandIn;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Splunk app's setup page module (splunk-app/appserver/static/halo_input_setup.js) run by Node,
 * as its own process, with real HTTP to a {@link SplunkdStandIn} where Splunk Web would pass its REST
 * service. Node is skipped with a message where it is not installed, except under {@code CI}, where
 * .ci/run installs it and its absence fails.
 */
final class SetupPageScript {
    static final Path MODULE = Path.of("splunk-app/appserver/static/halo_input_setup.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SetupPageScript() {
    }

    /** What saveSetup resolved for this form: {saved, secret, input}, {saved: false, problems} or {saved: false, refused}. */
    static JsonNode save(SplunkdStandIn splunkd, Map<String, String> form) throws Exception {
        ObjectNode request = toSplunkd(splunkd);
        ObjectNode fields = request.putObject("save");
        form.forEach(fields::put);
        return run(request);
    }

    /** What loadInput resolved: the stored settings of input {@code name}, or null. */
    static JsonNode load(SplunkdStandIn splunkd, String name) throws Exception {
        return run(toSplunkd(splunkd).put("load", name)).get("settings");
    }

    /** Which of these start values and host names the page takes, each value → true or false. */
    static JsonNode accepts(List<String> starts, List<String> hostnames) throws Exception {
        ObjectNode request = JSON.createObjectNode();
        starts.forEach(request.putArray("starts")::add);
        hostnames.forEach(request.putArray("hostnames")::add);
        return run(request);
    }

    private static ObjectNode toSplunkd(SplunkdStandIn splunkd) {
        return JSON.createObjectNode().put("splunkd", splunkd.uri().toString()).put("sessionKey", splunkd.sessionKey());
    }

    private static JsonNode run(ObjectNode request) throws IOException, InterruptedException, URISyntaxException {
        request.put("module", MODULE.toAbsolutePath().toString());
        Path driver = Path.of(SetupPageScript.class.getResource("/setup-page/run-setup-page.js").toURI());
        // the request (with the secret) goes on stdin, not the command line, where ps would show it
        Path stdin = Files.createTempFile("setup-page", ".json");
        try {
            Files.writeString(stdin, JSON.writeValueAsString(request));
            Process node = new ProcessBuilder(node(), driver.toString())
                    .redirectInput(stdin.toFile())
                    .start();
            // the answer is one short JSON line: read it, then the exit
            byte[] out = node.getInputStream().readAllBytes();
            String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node ends").isTrue();
            assertThat(node.exitValue()).as(err).isZero();
            return JSON.readTree(out);
        } finally {
            Files.deleteIfExists(stdin);
        }
    }

    private static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "node"))) {
                return Path.of(dir, "node").toString();
            }
        }
        String message = "node is not installed: apt-get install -y nodejs (.ci/run installs it) to run the setup page's script";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
