package io.haloconnector.output;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The file output's logic that camel-file has not: which file a page goes to, durability, and
 * crash recovery. Files are {@code halo-events-<UTC day>-<nnn>.jsonl} in one folder: a new one
 * each UTC day and when one passes the size limit, rolling only between pages. After camel-file
 * appended a page, {@link #syncStep()} fsyncs it (camel-file's own forceWrites does not) and hands
 * the file's name and length to the commit; on start {@link #recover} cuts off whatever was
 * written after the last commit, so a crash leaves neither a half line nor a line that is later
 * written again.
 */
public final class RollingEventFiles {
    private static final Logger LOG = LoggerFactory.getLogger(RollingEventFiles.class);
    private static final Pattern NAME = Pattern.compile("halo-events-(\\d{4}-\\d{2}-\\d{2})-(\\d{3,})\\.jsonl");

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private Path current;
    /** Where the files ended when this run started and nothing was committed yet, null for no file. */
    private String startPosition;

    public RollingEventFiles(Path dir, long maxBytes, Clock clock) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.clock = clock;
        Files.createDirectories(this.dir);
    }

    /**
     * On start: cuts the files back to {@code committedPosition} ({@code name:length}, null on a
     * first run, which keeps what the folder holds).
     */
    public synchronized void recover(String committedPosition) throws IOException {
        Path latest = latestFile();
        startPosition = committedPosition != null ? committedPosition
                : latest == null ? null : latest.getFileName() + ":" + Files.size(latest);
        if (committedPosition != null) {
            cutBackTo(committedPosition);
        }
    }

    /**
     * The route step before camel-file: {@code CamelFileName} = the file this page is appended to.
     * A page that failed after camel-file wrote it (an fsync error, a step a user added after the
     * file endpoint) left bytes past {@code committedPosition}: they are cut off first, because the
     * next poll delivers that page again and it must not be in the file twice.
     */
    public Processor nameStep(Supplier<String> committedPosition) {
        return nameStep(committedPosition, dir);
    }

    /**
     * As {@link #nameStep(Supplier)}, for a file endpoint on {@code endpointDir}, a folder above this
     * one (a backfill's files sit in a folder of their own under halo.file.dir): the name holds the
     * path from there.
     */
    public Processor nameStep(Supplier<String> committedPosition, Path endpointDir) {
        Path endpoint = endpointDir.toAbsolutePath().normalize();
        return exchange -> exchange.getMessage().setHeader(Exchange.FILE_NAME,
                endpoint.relativize(fileForNextPage(committedPosition.get())).toString());
    }

    /** The route step after camel-file: fsync the file, and give the commit its name and length. */
    public Processor syncStep() {
        return exchange -> exchange.setProperty(OutputPosition.PROPERTY, syncWritten());
    }

    synchronized Path fileForNextPage(String committedPosition) throws IOException {
        String committed = committedPosition != null ? committedPosition : startPosition;
        if (current != null && !committed(current).equals(committed)) {
            cutBackTo(committed);
            current = null; // the page picks its file anew
        }
        LocalDate today = today();
        if (current != null && (Files.size(current) >= maxBytes || !dayOf(current).equals(today))) {
            current = null; // roll: this page starts a new file
        }
        if (current == null) {
            Path latest = latestFile(today);
            if (latest != null && Files.size(latest) < maxBytes) {
                current = latest;
            } else {
                int next = latest == null ? 1 : sequenceOf(latest) + 1;
                current = dir.resolve(String.format("halo-events-%s-%03d.jsonl", today, next));
            }
        }
        return current;
    }

    /** Truncates the file of {@code position} to its length and deletes files started after it (all of them when null). */
    private void cutBackTo(String position) throws IOException {
        String name = position == null ? "" : position.substring(0, position.lastIndexOf(':'));
        if (position != null) {
            long length = Long.parseLong(position.substring(position.lastIndexOf(':') + 1));
            Path file = dir.resolve(name);
            if (Files.exists(file) && Files.size(file) > length) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    LOG.info("Removing {} bytes written to {} after the last checkpoint (they are delivered again)",
                            channel.size() - length, file);
                    channel.truncate(length);
                    channel.force(true);
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "halo-events-*.jsonl")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                if (NAME.matcher(fileName).matches() && fileName.compareTo(name) > 0) {
                    LOG.info("Removing {}: it was started after the last checkpoint (its events are delivered again)", file);
                    Files.delete(file);
                }
            }
        }
    }

    /** {@code name:length} of a file as it is on disk now. */
    private static String committed(Path file) throws IOException {
        return file.getFileName() + ":" + (Files.exists(file) ? Files.size(file) : 0);
    }

    synchronized String syncWritten() throws IOException {
        if (current == null || !Files.exists(current)) {
            return null; // nothing was written (an empty page)
        }
        try (FileChannel file = FileChannel.open(current, StandardOpenOption.WRITE)) {
            file.force(false);
            return current.getFileName() + ":" + file.size();
        }
    }

    /** The newest file of any day, or null. */
    private Path latestFile() throws IOException {
        Path latest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "halo-events-*.jsonl")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (NAME.matcher(name).matches() && (latest == null || name.compareTo(latest.getFileName().toString()) > 0)) {
                    latest = file;
                }
            }
        }
        return latest;
    }

    private Path latestFile(LocalDate day) throws IOException {
        Path latest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "halo-events-" + day + "-*.jsonl")) {
            for (Path file : files) {
                if (NAME.matcher(file.getFileName().toString()).matches()
                        && (latest == null || sequenceOf(file) > sequenceOf(latest))) {
                    latest = file;
                }
            }
        }
        return latest;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static LocalDate dayOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? LocalDate.parse(m.group(1)) : LocalDate.MIN;
    }

    private static int sequenceOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(2)) : 0;
    }
}
