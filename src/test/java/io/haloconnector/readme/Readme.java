package io.haloconnector.readme;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The fenced blocks of README.md and of the guides in docs/ that hold recipes, and their markers,
 * so tests run the recipes users copy. The line
 * right before each fence is an HTML comment (invisible on GitHub): {@code <!-- recipe: NAME -->}
 * for a block a test runs, loads or compares by that name, {@code <!-- not a recipe: REASON -->}
 * for one no user copies as it is.
 */
public final class Readme {
    /** README.md of the project (tests run in the project folder). */
    public static final Path FILE = Path.of("README.md");
    /** README.md and the guides it sends users to for the longer set-ups: every fenced block in them is marked. */
    public static final List<Path> GUIDES = List.of(FILE, Path.of("docs", "configuration.md"), Path.of("docs", "outputs.md"),
            Path.of("docs", "camel-runtime.md"));

    private static final Pattern FENCE = Pattern.compile("^( *)(```+|~~~+)\\s*([^`\\s]*).*$");
    private static final Pattern RECIPE = Pattern.compile("^ *<!-- recipe: ([a-z0-9-]+) -->$");
    private static final Pattern NOT_A_RECIPE = Pattern.compile("^ *<!-- not a recipe: (\\S.*\\S) -->$");
    private static final Pattern ANY_MARKER = Pattern.compile("^ *<!-- (not a )?recipe\\b.*$");

    /**
     * One fenced block: its first line (1-based, the fence), its info string ({@code sh},
     * {@code properties}...), its marker's recipe name or null, the reason when marked not a recipe,
     * and its text without the fence's indentation.
     */
    public record Block(Path file, int line, String info, String recipe, String notARecipe, String text) {
    }

    private Readme() {
    }

    /** Every fenced block of README.md and the guides, in order. */
    public static List<Block> blocks() {
        return GUIDES.stream().flatMap(guide -> blocks(guide).stream()).toList();
    }

    /** Every fenced block of a markdown file, in order. */
    public static List<Block> blocks(Path markdown) {
        List<String> lines = lines(markdown);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            String fence = open.group(2);
            StringBuilder text = new StringBuilder();
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().equals(fence)) {
                String line = lines.get(close);
                text.append(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading()).append('\n');
                close++;
            }
            String before = i > 0 ? lines.get(i - 1) : "";
            Matcher recipe = RECIPE.matcher(before);
            Matcher notARecipe = NOT_A_RECIPE.matcher(before);
            blocks.add(new Block(markdown, i + 1, open.group(3), recipe.matches() ? recipe.group(1) : null,
                    notARecipe.matches() ? notARecipe.group(1) : null, text.toString()));
            i = close;
        }
        return blocks;
    }

    /** Marker lines (file:line) of README.md and the guides that do not stand right before a fence: a marker left behind. */
    public static List<String> strayMarkers() {
        List<String> stray = new ArrayList<>();
        for (Path guide : GUIDES) {
            List<String> lines = lines(guide);
            for (int i = 0; i < lines.size(); i++) {
                if (ANY_MARKER.matcher(lines.get(i)).matches()
                        && (i + 1 >= lines.size() || !FENCE.matcher(lines.get(i + 1)).matches())) {
                    stray.add(guide + ":" + (i + 1));
                }
            }
        }
        return stray;
    }

    /** The recipe of that name, as README.md or a guide holds it now; fails when none or two have it. */
    public static Recipe recipe(String name) {
        return recipe(blocks(), "README.md and " + GUIDES.subList(1, GUIDES.size()), name);
    }

    /** The recipe of that name in a markdown file; fails when the file has none. */
    public static Recipe recipe(Path markdown, String name) {
        return recipe(blocks(markdown), markdown.toString(), name);
    }

    private static Recipe recipe(List<Block> blocks, String where, String name) {
        List<Block> found = blocks.stream().filter(b -> name.equals(b.recipe())).toList();
        if (found.size() != 1) {
            throw new AssertionError(where + " hold " + found.size() + " blocks marked <!-- recipe: " + name + " -->, expected one");
        }
        return new Recipe(name, found.get(0).text());
    }

    private static List<String> lines(Path markdown) {
        try {
            return Files.readAllLines(markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recipe's text, and what the test rewrote in it (placeholders for the test's own servers and folders). */
    public static final class Recipe {
        private final String name;
        private final String text;

        private Recipe(String name, String text) {
            this.name = name;
            this.text = text;
        }

        public String name() {
            return name;
        }

        /** The block's text, lines ending in a line feed. */
        public String text() {
            return text;
        }

        /**
         * The recipe with each key of {@code rewrites} replaced by its value, all in one pass (a value
         * is never rewritten again). A key the recipe does not hold fails: the README changed, and the
         * test must say how it runs the new text.
         */
        public Recipe rewrite(Map<String, String> rewrites) {
            for (String from : rewrites.keySet()) {
                if (!text.contains(from)) {
                    throw new AssertionError("README recipe " + name + " no longer holds '" + from
                            + "', which the test rewrites; its text now:\n" + text);
                }
            }
            String alternatives = rewrites.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                    .map(Pattern::quote).collect(Collectors.joining("|"));
            Matcher matcher = Pattern.compile(alternatives).matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (matcher.find()) {
                matcher.appendReplacement(rewritten, Matcher.quoteReplacement(rewrites.get(matcher.group())));
            }
            matcher.appendTail(rewritten);
            return new Recipe(name, rewritten.toString());
        }

        /** The text read as a properties file (as camel-main reads application.properties), in the recipe's order. */
        public Map<String, String> properties() {
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String key = line.strip().split("\\s*[=:]\\s*|\\s+", 2)[0];
                if (!key.isEmpty() && !key.startsWith("#") && !key.startsWith("!") && properties.containsKey(key)) {
                    ordered.put(key, properties.getProperty(key));
                }
            }
            if (ordered.size() != properties.size()) {
                throw new AssertionError("README recipe " + name + " holds continued or unusual lines the test cannot order: " + text);
            }
            return ordered;
        }

        /**
         * Runs the text with bash in an empty environment (PATH aside) and returns the variables it
         * leaves set: what a recipe such as {@code export NAME=value} gives the connector.
         */
        public Map<String, String> exportedEnvironment() {
            try {
                ProcessBuilder bash = new ProcessBuilder("bash", "-euc", text + "\nenv -0").redirectErrorStream(true);
                bash.environment().keySet().retainAll(List.of("PATH"));
                Process process = bash.start();
                String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (process.waitFor() != 0) {
                    throw new AssertionError("README recipe " + name + " failed in bash: " + output);
                }
                Map<String, String> exported = new LinkedHashMap<>();
                for (String variable : output.split("\0")) {
                    int equals = variable.indexOf('=');
                    String key = equals > 0 ? variable.substring(0, equals) : "";
                    if (!key.isEmpty() && !List.of("PATH", "PWD", "SHLVL", "_").contains(key)) {
                        exported.put(key, variable.substring(equals + 1));
                    }
                }
                return exported;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** The recipe in a file, for routes and application.properties. */
        public Path writeTo(Path file) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                return Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return name + ":\n" + text;
        }
    }
}
