package io.haloconnector.hec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.state.DurableFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events HEC refused as malformed, one JSON line each in {@code stateDir/hec-dead-letter.jsonl}:
 * {@code {"reason":"code 6: Invalid data format","time":"<now>","event":{..}}}, fsynced at once
 * so they are on disk before the checkpoint moves past them.
 */
public final class HecDeadLetters {

    /** The file's name in the state folder. */
    public static final String FILE_NAME = "hec-dead-letter.jsonl";
    /** Held by each append, and by a replay while it moves the file aside: no line lands in a file being replaced. */
    private static final String LOCK_NAME = "hec-dead-letter.lock";
    private static final Map<Path, Object> IN_THIS_JVM = new ConcurrentHashMap<>();

    /** An action on the file, run under its lock. */
    @FunctionalInterface
    public interface FileAction {
        void run() throws IOException;
    }

    private final DurableFile file;
    private final Path stateDir;

    HecDeadLetters(Path stateDir) {
        this.stateDir = stateDir;
        this.file = new DurableFile(stateDir.resolve(FILE_NAME));
    }

    /**
     * Runs {@code action} holding the file's lock, which every process appending to the file takes
     * too (the connector, a replay), waiting for it.
     */
    public static void whileLocked(Path stateDir, FileAction action) throws IOException {
        Files.createDirectories(stateDir);
        Path lockFile = stateDir.resolve(LOCK_NAME).toAbsolutePath().normalize();
        // a file lock keeps other processes out; within this JVM a second one would throw, so threads queue here first
        synchronized (IN_THIS_JVM.computeIfAbsent(lockFile, path -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                action.run();
            }
        }
    }

    Path file() {
        return file.path();
    }

    /** Complete lines in the file, one per event (a line a crash cut short is not one). */
    synchronized long count() throws IOException {
        if (!Files.exists(file.path())) {
            return 0;
        }
        long lines = 0;
        try (InputStream in = Files.newInputStream(file.path())) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    // pages in flight at once may each set an event aside
    synchronized void write(HaloEvent event, String reason) throws IOException {
        ObjectNode line = HaloJson.MAPPER.createObjectNode();
        line.put("reason", reason);
        line.put("time", Instant.now().toString());
        line.set("event", event.tree());
        byte[] bytes = (HaloJson.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        // a replay may be moving the file aside: the line goes in before the move, or into a new file after it
        whileLocked(stateDir, () -> file.append(bytes));
    }
}
