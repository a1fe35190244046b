package io.haloconnector.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloJson;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checkpoint as one JSON file, {@code checkpoint.json} in the state folder, replaced
 * atomically through {@link DurableFile} (temp file, fsync, rename, folder fsync). A lock file
 * keeps a second connector off the same folder.
 */
public final class FileCheckpointStore implements CheckpointStore {
    static final String FILE_NAME = "checkpoint.json";
    private static final int VERSION = 1;

    private final Path dir;
    private final Path file;
    private final DurableFile checkpointFile;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Opens (and creates) the state folder and takes its lock. */
    public FileCheckpointStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.file = this.dir.resolve(FILE_NAME);
        this.checkpointFile = new DurableFile(file);
        try {
            Files.createDirectories(this.dir);
            lockChannel = FileChannel.open(this.dir.resolve("state.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StateException("cannot use the state folder " + this.dir + " (" + e.getMessage()
                    + "): check halo.state.dir and its permissions", e);
        }
        FileLock taken;
        try {
            taken = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            taken = null; // held by this same JVM
        } catch (IOException e) {
            closeQuietly();
            throw new StateException("cannot lock " + this.dir.resolve("state.lock") + ": " + e.getMessage(), e);
        }
        lock = taken;
        if (lock == null) {
            closeQuietly();
            throw new StateLockedException("the state folder " + this.dir + " is in use by another running connector"
                    + " (state.lock is held): run one connector per halo.state.dir");
        }
    }

    @Override
    public String location() {
        return file.toString();
    }

    /** The checkpoint file of the state folder {@code dir}. */
    public static Path checkpointFile(Path dir) {
        return dir.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    /**
     * Reads the checkpoint of the state folder {@code dir} without taking its lock, so while a
     * connector runs on it: the file is only ever replaced whole (rename), so this sees one commit.
     */
    public static Optional<CommittedCheckpoint> peek(Path dir) {
        Path file = checkpointFile(dir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = HaloJson.MAPPER.readTree(file.toFile());
            JsonNode savedAt = root == null ? null : root.get("savedAt");
            return Optional.of(new CommittedCheckpoint(fromJson(root),
                    savedAt == null || !savedAt.isTextual() ? null : Instant.parse(savedAt.asText())));
        } catch (IOException | RuntimeException e) {
            throw new StateException("the checkpoint " + file + " cannot be read (" + oneLine(e) + ")", e);
        }
    }

    @Override
    public Optional<Checkpoint> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(HaloJson.MAPPER.readTree(file.toFile())));
        } catch (IOException | RuntimeException e) {
            throw new StateException("the checkpoint " + file + " cannot be read (" + oneLine(e) + "): restore it,"
                    + " or delete it to start again from halo.start (events after that may then be delivered again)", e);
        }
    }

    @Override
    public void save(Checkpoint checkpoint) {
        try {
            checkpointFile.replace(HaloJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(checkpoint)));
        } catch (IOException | RuntimeException e) {
            throw new StateException("cannot write the checkpoint " + file + " (" + oneLine(e) + "): delivery stops"
                    + " until it can; check free space and permissions of halo.state.dir", e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // nothing to save
        }
    }

    static ObjectNode toJson(Checkpoint checkpoint) {
        ObjectNode root = HaloJson.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("start", checkpoint.start().toString());
        root.put("cursor", checkpoint.cursor() == null ? null : checkpoint.cursor().toString());
        root.put("output", checkpoint.output());
        root.put("outputPosition", checkpoint.outputPosition());
        ObjectNode ids = root.putObject("deliveredIds");
        for (Map.Entry<Instant, Set<String>> entry : checkpoint.deliveredIds().entrySet()) {
            ArrayNode array = ids.putArray(entry.getKey().toString());
            entry.getValue().forEach(array::add);
        }
        root.put("savedAt", Instant.now().toString());
        return root;
    }

    static Checkpoint fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown version " + root.path("version"));
        }
        Instant start = Instant.parse(required(root, "start"));
        JsonNode cursorNode = root.get("cursor");
        Instant cursor = cursorNode == null || cursorNode.isNull() ? null : Instant.parse(cursorNode.asText());
        TreeMap<Instant, Set<String>> ids = new TreeMap<>();
        JsonNode idsNode = root.get("deliveredIds");
        if (idsNode == null || !idsNode.isObject()) {
            throw new IllegalArgumentException("deliveredIds is missing");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = idsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isArray()) {
                throw new IllegalArgumentException("deliveredIds." + entry.getKey() + " is not a list");
            }
            Set<String> set = new LinkedHashSet<>();
            entry.getValue().forEach(id -> set.add(id.asText()));
            ids.put(Instant.parse(entry.getKey()), set);
        }
        return new Checkpoint(start, cursor, ids, textOrNull(root, "output"), textOrNull(root, "outputPosition"));
    }

    private static String required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return node.asText();
    }

    private static String textOrNull(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ");
    }
}
