package io.haloconnector.reliability;

import io.haloconnector.ops.HaloConnectorCommands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector as its own process, the way users run it: {@code java -cp <test classpath>
 * io.haloconnector.ops.HaloConnectorCommands} (the launcher's main class) with {@code -D} properties, the secrets in the environment
 * ({@code HALO_API_SECRET}, {@code HEC_TOKEN}), stdout and stderr appended to files in the work
 * folder (so restarts on the same folder keep one log). {@link #kill()} is SIGKILL,
 * {@link #terminate()} SIGTERM.
 */
final class ConnectorProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ConnectorProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts a connector in {@code work}; {@code properties} become {@code -D} options, {@code env}
     * is added to the environment, {@code jvmOptions} (such as {@code -Xmx128m}) go before the class.
     */
    static ConnectorProcess start(Path work, Map<String, String> properties, Map<String, String> env,
                                  List<String> jvmOptions) throws IOException {
        return start(work, "connector", properties, env, jvmOptions, List.of());
    }

    /**
     * Runs {@code bin/halo-connector ARGS} the same way (a command such as {@code state show}), its
     * stdout and stderr in {@code work/NAME.stdout} and {@code work/NAME.stderr}, written anew.
     */
    static ConnectorProcess command(Path work, Map<String, String> properties, Map<String, String> env, String name,
                                    List<String> args) throws IOException {
        Files.deleteIfExists(work.resolve(name + ".stdout"));
        Files.deleteIfExists(work.resolve(name + ".stderr"));
        return start(work, name, properties, env, List.of(), args);
    }

    /**
     * Starts the launcher's main class with {@code arguments} (a command such as {@code backfill ...}) in
     * {@code work}, its stdout and stderr appended to {@code <name>.stdout} and {@code <name>.stderr}
     * there, so a second process beside a connector keeps a log of its own.
     */
    static ConnectorProcess start(Path work, String name, Map<String, String> properties, Map<String, String> env,
                                  List<String> jvmOptions, List<String> arguments) throws IOException {
        Files.createDirectories(work);
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        Map<String, String> props = new TreeMap<>(properties);
        // the jar's application.properties serves health on 9876: a test that wants it picks a free port,
        // so a connector left running elsewhere on this machine cannot stop the test's from starting
        props.putIfAbsent("camel.management.enabled", "false");
        props.forEach((property, value) -> command.add("-D" + property + "=" + value));
        command.add(HaloConnectorCommands.class.getName());
        command.addAll(arguments);
        Path out = work.resolve(name + ".stdout");
        Path err = work.resolve(name + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        builder.environment().putAll(env);
        return new ConnectorProcess(builder.start(), out, err);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux); returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the connector survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM; returns the exit code, or -1 when the process did not end within {@code seconds}. */
    int terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the process to end by itself; the exit code, or -1 after {@code seconds}. */
    int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Everything the connector processes of this work folder wrote to stderr so far. */
    String stderr() {
        return read(stderr);
    }

    /** Everything the connector processes of this work folder wrote to stdout so far. */
    String stdout() {
        return read(stdout);
    }

    Path stdoutFile() {
        return stdout;
    }

    /** The resident set size from /proc/PID/status, in KiB; -1 when it cannot be read. */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use per {@code jcmd PID GC.heap_info}, in KiB; -1 when jcmd gives no figure. */
    long heapUsedKib() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid()), "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(20, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return -1;
            }
            Matcher used = HEAP_USED.matcher(text);
            return used.find() ? Long.parseLong(used.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Ends the process if a test left it running (SIGKILL: the test has failed anyway). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
