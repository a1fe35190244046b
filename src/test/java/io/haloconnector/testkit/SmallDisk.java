package io.haloconnector.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real file system that fills up: a tmpfs of a few kilobytes mounted on a test folder, so writes
 * there fail with ENOSPC ("No space left on device") as on a full disk. Mounting needs root (CI runs
 * as root); elsewhere the test is skipped with a message saying so, except under {@code CI}, where
 * it fails.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path folder;

    private SmallDisk(Path folder) {
        this.folder = folder;
    }

    /** Mounts a tmpfs of {@code kilobytes} on {@code folder} (created if needed). */
    public static SmallDisk mount(Path folder, int kilobytes) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        String output = run("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs", folder.toString());
        if (output != null) {
            String message = "cannot mount a small tmpfs to fill (needs root): " + output;
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return new SmallDisk(folder);
    }

    public Path folder() {
        return folder;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String output = run("umount", folder.toString());
        if (output != null) {
            throw new IOException("umount " + folder + " failed: " + output);
        }
    }

    /** Runs the command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out";
        }
        return process.exitValue() == 0 ? null : output.isEmpty() ? "exit " + process.exitValue() : output;
    }
}
