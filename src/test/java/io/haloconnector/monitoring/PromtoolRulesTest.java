package io.haloconnector.monitoring;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped alert rules as Prometheus reads them: {@code promtool check rules} accepts the file,
 * and {@code promtool test rules} runs its unit tests (each alert fires on the series that should
 * page, with its labels and annotations, and stays quiet on a quiet account or a standby node).
 */
class PromtoolRulesTest {
    private static final Path RULES = Path.of("monitoring/prometheus/halo-connector-alerts.yml");
    private static final Path RULE_TESTS = Path.of("monitoring/prometheus/halo-connector-alerts.test.yml");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        String out = promtool("check", "rules", RULES.getFileName().toString());
        assertThat(out).contains("SUCCESS: 7 rules found");
    }

    @Test
    void theRulesPassTheirUnitTests() throws Exception {
        String out = promtool("test", "rules", RULE_TESTS.getFileName().toString());
        assertThat(out).contains("SUCCESS");
    }

    /** Runs promtool in the rules' folder; fails with its output unless it exits 0. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ends").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    /** Skips the test when promtool is not installed, unless it runs as CI (where .ci/run installs it): then it fails. */
    private static Path binary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "promtool is not installed: apt-get install -y prometheus (.ci/run installs it)";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
