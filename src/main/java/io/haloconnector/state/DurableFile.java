package io.haloconnector.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One file whose writes are on disk when the call returns (camel-file's forceWrites is a no-op).
 * {@link #replace} swaps the whole content atomically: written to {@code NAME.tmp}, fsynced, renamed
 * over the file, and the folder fsynced so the rename survives a crash; {@link #dropHead} cuts its
 * start off the same way. {@link #append} adds bytes at the end and fsyncs them.
 */
public final class DurableFile {

    private final Path file;
    private final Path folder;

    /** A file at {@code file}; nothing is created until the first write. */
    public DurableFile(Path file) {
        this.file = file;
        this.folder = file.toAbsolutePath().getParent();
    }

    /** The path as given. */
    public Path path() {
        return file;
    }

    /** Replaces the content with {@code bytes}: readers see either the old content or all of the new. */
    public void replace(byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, bytes);
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceFolder();
    }

    /**
     * Drops the first {@code bytes} bytes, as {@link #replace} does: the rest is copied to
     * {@code NAME.tmp}, fsynced and renamed over the file, so readers see all of it or none dropped.
     */
    public void dropHead(long bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel target = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = source.size();
            for (long position = Math.min(bytes, size); position < size; ) {
                position += source.transferTo(position, size - position, target);
            }
            target.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceFolder();
    }

    /** Appends {@code bytes}, creating the file and its folders when missing. */
    public void append(byte[] bytes) throws IOException {
        Files.createDirectories(folder);
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            writeFully(channel, bytes);
            channel.force(true);
        }
        if (created) {
            forceFolder(); // a new file's name is durable only once its folder is synced
        }
    }

    private void forceFolder() throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
