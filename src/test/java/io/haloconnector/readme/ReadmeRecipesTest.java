package io.haloconnector.readme;

import io.haloconnector.readme.Readme.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every block of README.md (and of the guides in docs/ it sends users to, {@link Readme#GUIDES})
 * a user would copy is a recipe some test runs: each fenced block is
 * marked (a recipe by name, or not a recipe with the reason), no two recipes share a name, and
 * each recipe's name is read by a test ({@code recipe("NAME")} in src/test/java), so a README
 * change that breaks a recipe fails that test.
 */
class ReadmeRecipesTest {
    private static final Pattern READ_BY_A_TEST = Pattern.compile("recipe\\(\"([a-z0-9-]+)\"\\)");

    @Test
    void everyFencedBlockIsMarkedRightBeforeItsFence() {
        List<Block> blocks = Readme.blocks();
        assertThat(blocks).as("README's fenced blocks").hasSizeGreaterThan(15);
        assertThat(blocks).as("blocks without <!-- recipe: NAME --> or <!-- not a recipe: REASON --> on the line before the fence")
                .filteredOn(b -> b.recipe() == null && b.notARecipe() == null)
                .extracting(b -> b.file() + ":" + b.line() + " " + b.info()).isEmpty();
        assertThat(Readme.strayMarkers()).as("marker lines not right before a fence").isEmpty();
    }

    @Test
    void noTwoRecipesShareAName() {
        Map<String, Long> names = Readme.blocks().stream().filter(b -> b.recipe() != null)
                .collect(Collectors.groupingBy(Block::recipe, Collectors.counting()));
        assertThat(names.entrySet()).as("recipe names used twice").filteredOn(e -> e.getValue() > 1).isEmpty();
    }

    @Test
    void everyRecipeIsReadByATestAndEveryNameATestReadsIsInTheReadme() throws IOException {
        Set<String> recipes = Readme.blocks().stream().map(Block::recipe).filter(name -> name != null).collect(Collectors.toSet());
        Set<String> read = new HashSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src", "test", "java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher name = READ_BY_A_TEST.matcher(Files.readString(source));
                while (name.find()) {
                    read.add(name.group(1));
                }
            }
        }
        assertThat(recipes).as("recipes of README.md no test reads with recipe(\"NAME\")").isSubsetOf(read);
        assertThat(read).as("names tests read that README.md does not mark").isSubsetOf(recipes);
    }

    @Test
    void theReadmeIsATenMinuteReadWithItsFiveSectionsAndTheHostRecipesInIt() throws IOException {
        String readme = Files.readString(Readme.FILE);
        // design, guarantees, formats, testing and benchmarks belong in docs/: README stays short enough to read at once
        assertThat(readme.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).as("README.md bytes").isLessThanOrEqualTo(20_000);
        List<String> sections = readme.lines().filter(line -> line.startsWith("## ")).map(line -> line.substring(3)).toList();
        assertThat(sections).as("README's sections").containsSubsequence("Quick start", "Configure", "Run", "Outputs", "Help");
        // a user who runs Camel already finds how to depend on the library and run it on camel-main or Spring Boot in README itself
        assertThat(Readme.blocks(Readme.FILE)).extracting(Block::recipe).contains("library-dependency-xml",
                "kamelet-two-accounts-yaml", "camel-main-host-run-sh", "spring-boot-dependencies-xml",
                "spring-boot-application-yaml", "spring-boot-run-sh");
    }

    @Test
    void theTestCommandIsTheOneContinuousIntegrationRuns() throws IOException {
        // the whole suite cannot run inside itself: CI's script runs the README's command instead
        String command = Readme.recipe("run-the-tests").text().strip();
        List<String> ciCommands = Files.readAllLines(Path.of(".ci", "run")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(ciCommands).as(".ci/run's last command").last().isEqualTo(command);
    }

    @Test
    void theReaderTakesTheFenceOffAndRewritesOnlyWhatItIsToldOnce(@TempDir Path dir) throws IOException {
        Path markdown = Files.writeString(dir.resolve("sample.md"), String.join("\n",
                "1. Put this in a file:", "", "   <!-- recipe: sample -->", "   ```properties", "   a.b = /var/lib/x", "     c = 1", "   ```",
                "", "<!-- not a recipe: an answer to read -->", "```json", "{}", "```", "", "```sh", "ls", "```", ""));
        List<Block> blocks = Readme.blocks(markdown);
        assertThat(blocks).extracting(Block::recipe).containsExactly("sample", null, null);
        assertThat(blocks).extracting(Block::notARecipe).containsExactly(null, "an answer to read", null);
        assertThat(blocks).extracting(Block::line).containsExactly(4, 10, 14);

        Readme.Recipe sample = Readme.recipe(markdown, "sample");
        assertThat(sample.text()).isEqualTo("a.b = /var/lib/x\n  c = 1\n");
        assertThat(sample.properties()).containsExactly(Map.entry("a.b", "/var/lib/x"), Map.entry("c", "1"));
        assertThat(sample.rewrite(Map.of("/var/lib/x", "/tmp/x/var/lib/x", "1", "2")).properties())
                .as("one pass: a rewritten value is not rewritten again")
                .containsExactly(Map.entry("a.b", "/tmp/x/var/lib/x"), Map.entry("c", "2"));
        assertThatThrownBy(() -> sample.rewrite(Map.of("/srv/y", "/tmp/y"))).as("a placeholder the recipe no longer holds")
                .hasMessageContaining("no longer holds '/srv/y'");
    }
}
