package io.haloconnector.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production packages form a graph without cycles: each feature (poll, an output, the state)
 * can be read, tested and replaced without the one that uses it. A reference is any mention of
 * another package of the connector in a source file (an import, or a fully qualified name).
 */
class PackageGraphTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "haloconnector");
    /** The standalone app's shell: what the library jar leaves out (pom.xml, maven-jar-plugin's excludes). */
    private static final List<String> APP_SHELL = List.of("simulator/", "ops/", "splunk/", "app/");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.haloconnector\\.([a-z]+)\\.");

    @Test
    void noPackageDependsOnItselfThroughAnother() throws IOException {
        Map<String, Set<String>> uses = packageGraph();
        assertThat(uses).as("the connector's packages").containsKeys("poll", "hec", "state", "output");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            List<String> cycle = shortestPathBack(uses, start);
            if (cycle != null && cycle.get(0).equals(cycle.stream().min(String::compareTo).orElseThrow())) {
                cycles.add(cycle); // each cycle once, from its first package by name
            }
        }
        assertThat(cycles).as("package cycles (a -> b -> ... -> a); the graph: " + uses).isEmpty();
    }

    /**
     * The library (the jar a host depends on) holds no part of the standalone app's shell, which its
     * build leaves out: a class of it that named one would fail in a host with a NoClassDefFoundError.
     */
    @Test
    void theLibraryNamesNoPartOfTheStandaloneApp() throws IOException {
        Pattern appShell = Pattern.compile("\\bio\\.haloconnector\\.(simulator|ops|splunk|app)\\b");
        List<String> references = new ArrayList<>();
        int libraryFiles = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String path = SOURCES.relativize(file).toString().replace('\\', '/');
                if (APP_SHELL.stream().anyMatch(path::startsWith)) {
                    continue;
                }
                libraryFiles++;
                Matcher reference = appShell.matcher(Files.readString(file));
                while (reference.find()) {
                    references.add(path + ": " + reference.group());
                }
            }
        }
        assertThat(libraryFiles).as("library sources").isGreaterThan(50);
        assertThat(references).as("library sources naming the app shell").isEmpty();
    }

    /** The shortest walk start -> ... -> start, as the packages passed, or null. */
    private static List<String> shortestPathBack(Map<String, Set<String>> uses, String start) {
        Map<String, String> cameFrom = new TreeMap<>();
        Deque<String> queue = new ArrayDeque<>(uses.getOrDefault(start, Set.of()));
        uses.getOrDefault(start, Set.of()).forEach(next -> cameFrom.put(next, start));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(start)) {
                List<String> path = new ArrayList<>();
                String step = cameFrom.get(start);
                path.add(start);
                while (!step.equals(start)) {
                    path.add(0, step);
                    step = cameFrom.get(step);
                }
                path.add(0, start);
                return path;
            }
            for (String next : uses.getOrDefault(at, Set.of())) {
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        return null;
    }

    private static Map<String, Set<String>> packageGraph() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher reference = REFERENCE.matcher(Files.readString(file));
                while (reference.find()) {
                    if (!reference.group(1).equals(from)) {
                        targets.add(reference.group(1));
                    }
                }
            }
        }
        return uses;
    }
}
