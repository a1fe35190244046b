package io.haloconnector.app;

import io.haloconnector.connector.PackedRoutes;
import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.EventFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The main artifact of the build (what {@code mvn install} installs and a host's pom depends on) is a
 * library a Camel host can load: nothing at the class-path root that camel-main or Spring Boot reads
 * as the host's own, no class of the standalone app, and only the dependencies every host needs. The
 * standalone app, target/halo-connector.jar, still holds everything. A host's class path (the library
 * and its non-optional dependencies only) runs the file output, and refuses the jdbc state with one line.
 */
class LibraryJarIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    /** What a host must not get without asking: a logging binding, the database, the HTTP server, Prometheus. */
    private static final Pattern UNASKED = Pattern.compile("ch\\.qos\\.logback:.*|org\\.postgresql:postgresql|com\\.zaxxer:HikariCP"
            + "|org\\.apache\\.camel:camel-platform-http.*|io\\.vertx:.*|org\\.apache\\.camel:camel-micrometer-prometheus"
            + "|io\\.micrometer:micrometer-registry-prometheus|org\\.apache\\.kafka:kafka-clients|io\\.netty:.*");
    private static final List<String> APP_SHELL = List.of("io/haloconnector/app/ConnectorMain.class",
            "io/haloconnector/app/DemoMode.class", "io/haloconnector/app/UserConfiguration.class",
            "io/haloconnector/ops/HaloConnectorCommands.class", "io/haloconnector/simulator/HaloSimulator.class",
            "io/haloconnector/splunk/ModularInput.class", "io/haloconnector/simulator/logback-simulator.xml",
            "io/haloconnector/app/application.properties", "logback.xml");

    @TempDir
    Path work;

    @Test
    void theMainArtifactHoldsNothingAHostReadsAsItsOwnAndNoPartOfTheApp() throws IOException {
        try (JarFile library = new JarFile(libraryJar().toFile())) {
            List<String> names = library.stream().map(ZipEntry::getName).toList();
            assertThat(names).as("the class-path root").doesNotContain("application.properties", "logback.xml", "logback-test.xml")
                    .noneMatch(name -> name.startsWith("routes/"));
            assertThat(names).as("the routes, under a folder of ours").contains(
                    PackedRoutes.FOLDER + "halo-events.yaml", PackedRoutes.FOLDER + "halo-accounts.yaml",
                    PackedRoutes.FOLDER + "output-file.yaml", PackedRoutes.FOLDER + "output-stdout.yaml",
                    PackedRoutes.FOLDER + "output-hec.yaml", PackedRoutes.FOLDER + "output-kafka.yaml",
                    PackedRoutes.FOLDER + "output-syslog.yaml");
            assertThat(names).as("the Kamelet, where Camel looks for Kamelets").contains("kamelets/halo-events-source.kamelet.yaml");
            assertThat(names).as("the library's own classes").contains("io/haloconnector/connector/ConnectorConfiguration.class",
                    "io/haloconnector/connector/RoutesAsLoaded.class", "io/haloconnector/poll/FetchEventPage.class");
            assertThat(names).as("no class or resource of the standalone app").doesNotContainAnyElementsOf(APP_SHELL)
                    .noneMatch(name -> name.matches("io/haloconnector/(ops|simulator|splunk)/.*|io/haloconnector/app/"
                            + "(ConnectorMain|DemoMode|UserConfiguration)[.$].*"));
        }
    }

    @Test
    void theStandaloneAppHoldsTheLibraryTheShellAndEveryDependency() throws IOException {
        try (JarFile app = new JarFile(TARGET.resolve("halo-connector.jar").toFile())) {
            List<String> names = app.stream().map(ZipEntry::getName).toList();
            assertThat(names).containsAll(APP_SHELL).contains(PackedRoutes.FOLDER + "halo-events.yaml",
                    "io/haloconnector/connector/ConnectorConfiguration.class", "kamelets/halo-events-source.kamelet.yaml",
                    "org/postgresql/Driver.class", "ch/qos/logback/classic/Logger.class");
            assertThat(app.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.haloconnector.ops.HaloConnectorCommands");
            // Camel finds its type converters and components through these files: merged from every jar, not the last one's
            String converters = new String(app.getInputStream(app.getEntry("META-INF/services/org/apache/camel/TypeConverterLoader"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertThat(converters).contains("org.apache.camel.component.http.HttpConvertersLoader",
                    "org.apache.camel.component.netty.NettyConverterLoader", "org.apache.camel.component.jackson.converter");
        }
    }

    @Test
    void aHostGetsOnlyTheDependenciesEveryRunNeeds() throws Exception {
        Set<String> host = hostDependencies();
        assertThat(host).as("a host's dependencies through the library").contains("org.apache.camel:camel-main",
                "org.apache.camel:camel-yaml-dsl", "org.apache.camel:camel-http", "org.apache.camel:camel-kamelet",
                "io.micrometer:micrometer-core");
        assertThat(host).as("not asked for by the host").noneMatch(artifact -> UNASKED.matcher(artifact).matches());
        // and the project's own build still has them all: the standalone app packs them
        assertThat(dependencyTreeArtifacts()).contains("ch.qos.logback:logback-classic", "org.postgresql:postgresql",
                "com.zaxxer:HikariCP", "org.apache.camel:camel-platform-http-main", "org.apache.camel:camel-micrometer-prometheus");
    }

    @Test
    @Timeout(120)
    void aHostsClassPathRunsTheFileOutputAndRefusesTheJdbcStateWithOneLine() throws Exception {
        String classPath = hostClassPath();
        assertThat(classPath).doesNotContain("postgresql", "HikariCP", "logback", "vertx", "netty");
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant start = Instant.now().minus(Duration.ofHours(2));
            simulator.events().generate(23, start, Instant.now().minusSeconds(30), 300);
            Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
            Map<String, String> props = new LinkedHashMap<>();
            props.put("camel.main.configurationClasses", ConnectorConfiguration.class.getName());
            props.put("camel.main.routesIncludePattern", PackedRoutes.location("halo-events.yaml") + ","
                    + PackedRoutes.location("halo-accounts.yaml") + "," + PackedRoutes.location("output-file.yaml"));
            props.put("halo.api.url", simulator.baseUrl().toString());
            props.put("halo.api.key", simulator.apiKey());
            props.put("halo.api.secret", simulator.apiSecret());
            props.put("halo.state.dir", work.resolve("state").toString());
            props.put("halo.output", "file");
            props.put("halo.file.dir", work.resolve("events").toString());
            props.put("halo.start", start.toString());
            props.put("halo.perPage", "100");
            props.put("halo.poll.cron", "* * * * * ?");
            props.put("halo.poll.lag", "0s");

            Process jdbc = camelMain(classPath, withSetting(props, "halo.state.store", "jdbc"), "jdbc");
            assertThat(jdbc.waitFor(60, TimeUnit.SECONDS)).as("refused at start").isTrue();
            String refused = output("jdbc");
            assertThat(jdbc.exitValue()).as(refused).isNotZero();
            assertThat(refused).contains("halo.state.store=jdbc needs org.postgresql:postgresql and com.zaxxer:HikariCP on the"
                    + " class path: add them to your pom").doesNotContain("NoClassDefFoundError").doesNotContain(simulator.apiSecret());

            Process camel = camelMain(classPath, props, "file");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !camel.isAlive() || EventFiles.ids(work.resolve("events")).size() >= expected.size());
                assertThat(camel.isAlive()).as("the host runs: %s", output("file")).isTrue();
            } finally {
                camel.destroy();
            }
            assertThat(camel.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(new HashSet<>(EventFiles.ids(work.resolve("events")))).as("delivered ids").isEqualTo(expected);
            assertThat(output("file")).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
        }
    }

    private Process camelMain(String classPath, Map<String, String> props, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath));
        props.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("org.apache.camel.main.Main");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private String output(String name) throws IOException {
        return Files.readString(work.resolve(name + ".log"));
    }

    private static Map<String, String> withSetting(Map<String, String> props, String key, String value) {
        Map<String, String> changed = new LinkedHashMap<>(props);
        changed.put(key, value);
        return changed;
    }

    /** The library jar and, of the build's runtime class path, only the jars of the host's dependencies. */
    private static String hostClassPath() throws Exception {
        Set<String> host = hostDependencies();
        List<String> jars = new ArrayList<>(List.of(libraryJar().toString()));
        for (String jar : Files.readString(TARGET.resolve("runtime-classpath.txt")).strip().split(File.pathSeparator)) {
            Path path = Path.of(jar);
            // a jar in a Maven repository: .../group/as/folders/artifactId/version/artifactId-version.jar
            String artifactId = path.getParent().getParent().getFileName().toString();
            String group = path.getParent().getParent().getParent().toString().replace(File.separatorChar, '.');
            if (host.stream().anyMatch(ga -> ga.endsWith(":" + artifactId) && group.endsWith(ga.substring(0, ga.indexOf(':'))))) {
                jars.add(jar);
            }
        }
        return String.join(File.pathSeparator, jars);
    }

    /**
     * What a host that depends on the library gets: its dependencies that pom.xml does not mark optional
     * (test scope left out), and all they need, by the edges of target/dependency-tree.txt ({@code groupId:artifactId}).
     */
    static Set<String> hostDependencies() throws Exception {
        Set<String> roots = new LinkedHashSet<>();
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element dependencies = (Element) pom.getDocumentElement().getElementsByTagName("dependencies").item(0);
        // the project's own dependencies, not dependencyManagement's
        if (dependencies.getParentNode() != pom.getDocumentElement()) {
            NodeList all = pom.getDocumentElement().getChildNodes();
            for (int i = 0; i < all.getLength(); i++) {
                if (all.item(i) instanceof Element e && e.getTagName().equals("dependencies")) {
                    dependencies = e;
                }
            }
        }
        NodeList list = dependencies.getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element dependency = (Element) list.item(i);
            String scope = text(dependency, "scope", "compile");
            if (!text(dependency, "optional", "false").equals("true") && (scope.equals("compile") || scope.equals("runtime"))) {
                roots.add(text(dependency, "groupId", "") + ":" + text(dependency, "artifactId", ""));
            }
        }
        Map<String, Set<String>> edges = dependencyEdges();
        Set<String> reached = new TreeSet<>();
        Deque<String> queue = new ArrayDeque<>(roots);
        while (!queue.isEmpty()) {
            String artifact = queue.poll();
            if (reached.add(artifact)) {
                queue.addAll(edges.getOrDefault(artifact, Set.of()));
            }
        }
        return reached;
    }

    private static String text(Element parent, String tag, String absent) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? absent : nodes.item(0).getTextContent().trim();
    }

    private static final Pattern TREE_LINE = Pattern.compile("^((?:[|+\\\\ ] {2})*)[+\\\\]- \\(?([^:\\s]+):([^:\\s]+):.*$");

    /** Each artifact's dependencies, from every place target/dependency-tree.txt lists it with its own. */
    private static Map<String, Set<String>> dependencyEdges() throws IOException {
        Map<String, Set<String>> edges = new HashMap<>();
        Deque<String> path = new ArrayDeque<>();
        List<String> lines = Files.readAllLines(TARGET.resolve("dependency-tree.txt"));
        assertThat(lines).as("target/dependency-tree.txt (mvn package writes it)").hasSizeGreaterThan(10);
        for (String line : lines.subList(1, lines.size())) {
            Matcher node = TREE_LINE.matcher(line);
            if (!node.matches()) {
                continue;
            }
            int depth = node.group(1).length() / 3;
            while (path.size() > depth) {
                path.pop();
            }
            String artifact = node.group(2) + ":" + node.group(3);
            if (!path.isEmpty()) {
                edges.computeIfAbsent(path.peek(), k -> new LinkedHashSet<>()).add(artifact);
            }
            path.push(artifact);
        }
        return edges;
    }

    private static Set<String> dependencyTreeArtifacts() throws IOException {
        Set<String> all = new HashSet<>();
        dependencyEdges().values().forEach(all::addAll);
        Files.readAllLines(TARGET.resolve("dependency-tree.txt")).stream().map(TREE_LINE::matcher).filter(Matcher::matches)
                .forEach(m -> all.add(m.group(2) + ":" + m.group(3)));
        return all;
    }

    /** The main artifact: target/halo-connector-VERSION.jar. */
    private static Path libraryJar() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(f -> f.getFileName().toString().matches("halo-connector-\\d.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/halo-connector-<version>.jar: run mvn package first"));
        }
    }
}
