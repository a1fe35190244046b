package io.haloconnector.reliability;

import io.haloconnector.readme.Readme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.haloconnector.reliability.Reliability.print;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/halo-connector}'s command line, each run its own process: {@code --help} lists the
 * commands and main options, {@code --version} prints the version the build wrote, each command
 * has its own {@code --help}, and bad input is one line and exit 2, with no secret in any output.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CommandLineTest {
    private static final String SECRET = "halo-secret-" + System.nanoTime();
    private static final String TOKEN = "hec-token-" + System.nanoTime();

    @TempDir
    Path work;

    private CommandRun run(String... args) throws Exception {
        Map<String, String> props = Map.of("halo.state.dir", work.resolve("state").toString(), "halo.output", "hec",
                "hec.url", "http://127.0.0.1:9");
        return CommandRun.of(work, props, Map.of("HALO_API_SECRET", SECRET, "HEC_TOKEN", TOKEN), "command", List.of(args));
    }

    @Test
    void helpListsTheCommandsAndTheMainOptions() throws Exception {
        CommandRun help = run(CommandRun.recipeArguments(Readme.recipe("help")).toArray(String[]::new));
        print("--help:%n%s", help.stdout());
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("Usage: halo-connector [COMMAND]", "run [--config FILE] [--demo]",
                "backfill --since T1 --until T2 [--account A]", "dead-letters list | replay | export --halo FILE",
                "state show [--json] | set-cursor --account A T", "--config FILE", "--version", "-h, --help");
    }

    @Test
    void versionPrintsTheVersionTheBuildWrote() throws Exception {
        CommandRun version = run("--version");
        assertThat(version.exit()).isZero();
        String pom = Files.readString(Path.of("pom.xml"));
        String expected = pom.replaceFirst("(?s).*?<artifactId>halo-connector</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        assertThat(version.stdout().strip()).isEqualTo("halo-connector " + expected);
    }

    @Test
    void eachCommandHasItsOwnHelp() throws Exception {
        for (String command : List.of("run", "state", "dead-letters")) {
            CommandRun help = run(command, "--help");
            assertThat(help.exit()).as(command + " --help").isZero();
            assertThat(help.stdout()).as(command + " --help").contains("Usage: halo-connector " + (command.equals("run") ? "[run]" : command));
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Map<List<String>, String> lines = Map.of(
                List.of("frob"), "halo-connector: unknown command frob: expected run, backfill, dead-letters, state (halo-connector --help)",
                List.of("--frob"), "halo-connector: unknown argument --frob: expected --config FILE, --demo, both or none (halo-connector --help lists the commands)",
                List.of("state", "show", "--frob"), "halo-connector state: unknown option --frob: expected --account, --config, --json or --help",
                List.of("state", "show", "--account", "nope"), "halo-connector state: unknown account nope: the configured accounts are default",
                List.of("state", "set-cursor", "--account", "default"), "halo-connector state: set-cursor needs the time: set-cursor --account default T (ISO-8601)",
                List.of("state", "set-cursor", "--account", "default", "last-week"), "halo-connector state: last-week is not a time: give ISO-8601, such as 2026-12-01T00:00:00Z or 2026-12-01",
                List.of("dead-letters"), "halo-connector dead-letters: say list, replay or export (halo-connector dead-letters --help)",
                List.of("dead-letters", "export"), "halo-connector dead-letters: export needs the file to write: export --halo FILE",
                List.of("state", "show", "--config", "missing.properties"), "halo-connector state: --config missing.properties: no such file ("
                        + work.resolve("missing.properties") + "): name an existing properties file");
        for (Map.Entry<List<String>, String> bad : lines.entrySet()) {
            CommandRun run = run(bad.getKey().toArray(String[]::new));
            print("%s: exit %d, %s", bad.getKey(), run.exit(), run.errorLines());
            assertThat(run.exit()).as(bad.getKey().toString()).isEqualTo(2);
            assertThat(run.errorLines()).as(bad.getKey().toString()).containsExactly(bad.getValue());
            assertThat(run.stdout() + run.stderr()).doesNotContain(SECRET, TOKEN);
        }
    }
}
