package io.haloconnector.reliability;

import io.haloconnector.readme.Readme;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@code bin/halo-connector COMMAND} run to its end as its own process, with the connector's
 * -D settings and environment: its exit code, stdout and stderr.
 */
record CommandRun(int exit, String stdout, String stderr) {
    private static final String LAUNCHER = "bin/halo-connector";

    /** Runs {@code args} in {@code work}, named {@code name} for its output files; fails after a minute. */
    static CommandRun of(Path work, Map<String, String> properties, Map<String, String> env, String name, List<String> args)
            throws IOException, InterruptedException {
        try (ConnectorProcess process = ConnectorProcess.command(work, properties, env, name, args)) {
            int exit = process.waitFor(60);
            assertThat(exit).as("%s ended within a minute", args).isNotEqualTo(-1);
            return new CommandRun(exit, process.stdout(), process.stderr());
        }
    }

    /** The arguments of a README recipe that is one {@code bin/halo-connector ...} line, as bash would split them. */
    static List<String> recipeArguments(Readme.Recipe recipe) {
        String line = recipe.text().strip();
        assertThat(line).as("recipe %s", recipe.name()).startsWith(LAUNCHER + " ").doesNotContain("\n", "'", "\"", "$");
        return Arrays.asList(line.substring(LAUNCHER.length()).strip().split("\\s+"));
    }

    /** The lines of stderr the command itself wrote (not the libraries' log lines). */
    List<String> errorLines() {
        return stderr.lines().filter(line -> line.startsWith("halo-connector")).toList();
    }
}
