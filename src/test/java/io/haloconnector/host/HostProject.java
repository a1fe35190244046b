package io.haloconnector.host;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host project of src/it copied to a folder of the test's, built by a child {@code mvn -B} (the
 * one on the PATH, offline when the parent build is) and run as a JVM of its own, on the host's own
 * class path: nothing of the test class path reaches it.
 */
final class HostProject {
    /** Lines of a child's log that a failure message quotes. */
    private static final int LOG_TAIL_LINES = 60;

    private final Path dir;

    private HostProject(Path dir) {
        this.dir = dir;
    }

    /** src/it/NAME copied to {@code work}/NAME, without a target folder a build there may have left. */
    static HostProject copy(String name, Path work) throws IOException {
        Path source = Path.of("src", "it", name);
        assertThat(source.resolve("pom.xml")).as("the host project " + source).exists();
        Path dir = work.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(f -> !source.relativize(f).startsWith("target")).toList()) {
                Path copy = dir.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return new HostProject(dir);
    }

    Path dir() {
        return dir;
    }

    /**
     * Runs {@code mvn -B} with these arguments in the project, within {@code limit}; fails with the
     * tail of its log when it fails or takes longer.
     */
    void maven(Duration limit, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mvn", "-B"));
        if (System.getProperty("hosts.mavenSettings", "").equals("offline=true")) {
            command.add("-o");
        }
        String localRepository = System.getProperty("hosts.localRepository", "");
        if (!localRepository.isBlank() && !localRepository.startsWith("${")) {
            command.add("-Dmaven.repo.local=" + localRepository);
        }
        command.addAll(List.of(arguments));
        Path log = dir.resolve("maven.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // the child Maven runs on this JVM's Java, and knows nothing of the test's class path
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("MAVEN_CMD_LINE_ARGS");
        Process maven = builder.start();
        if (!maven.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            maven.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " in " + dir + " took longer than " + limit + "; its log ends:\n"
                    + tail(log));
        }
        assertThat(maven.exitValue()).as("%s in %s failed; its log ends:%n%s", String.join(" ", command), dir, tail(log))
                .isZero();
    }

    /**
     * Runs command lines with bash in the project, as a user types them ({@code java} the one on the
     * PATH: this JVM's), with these environment variables added, stdout and stderr to files named
     * after {@code run}. The last command must be {@code exec java ...}, so a SIGTERM reaches the JVM.
     */
    RunningHost startShell(String run, String commandLine, Map<String, String> environment) throws IOException {
        Path stdout = dir.resolve(run + ".stdout.log");
        Path stderr = dir.resolve(run + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-euc", commandLine).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
                + builder.environment().get("PATH"));
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        return new RunningHost(builder.start(), stdout, stderr);
    }

    static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no " + log.getFileName() + ")";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A host's JVM and its two logs. */
    record RunningHost(Process process, Path stdout, Path stderr) {
        /** Both logs' last lines, for a failure message. */
        String tails() {
            return "stderr ends:\n" + tail(stderr) + "\nstdout ends:\n" + tail(stdout);
        }

        /** Both logs, whole. */
        String logs() throws IOException {
            return Files.readString(stderr) + Files.readString(stdout);
        }

        /** SIGTERM, as a service manager stops it, then waits at most {@code limit} for the JVM to end. */
        int stop(Duration limit) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("the host did not stop within " + limit + " of SIGTERM; " + tails());
            }
            return process.exitValue();
        }
    }
}
