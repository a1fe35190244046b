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

    public RollingEventFiles(Path dir, long maxBytes, Clock clock) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.clock = clock;
        Files.createDirectories(this.dir);
    }

    /** Cuts the files back to {@code committedPosition} ({@code name:length}, null on a first run). */
    public synchronized void recover(String committedPosition) throws IOException {
        if (committedPosition == null) {
            return;
        }
        int colon = committedPosition.lastIndexOf(':');
        String committedName = committedPosition.substring(0, colon);
        long committedLength = Long.parseLong(committedPosition.substring(colon + 1));
        Path committed = dir.resolve(committedName);
        if (Files.exists(committed) && Files.size(committed) > committedLength) {
            try (FileChannel file = FileChannel.open(committed, StandardOpenOption.WRITE)) {
                LOG.info("Removing {} bytes written to {} after the last checkpoint (they are delivered again)",
                        file.size() - committedLength, committed);
                file.truncate(committedLength);
                file.force(true);
            }
        }
        // files started after the last commit hold only events that are delivered again
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "halo-events-*.jsonl")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (NAME.matcher(name).matches() && name.compareTo(committedName) > 0) {
                    LOG.info("Removing {}: it was started after the last checkpoint (its events are delivered again)", file);
                    Files.delete(file);
                }
            }
        }
    }

    /** The route step before camel-file: {@code CamelFileName} = the file this page is appended to. */
    public Processor nameStep() {
        return exchange -> exchange.getMessage().setHeader(Exchange.FILE_NAME, fileForNextPage().getFileName().toString());
    }

    /** The route step after camel-file: fsync the file, and give the commit its name and length. */
    public Processor syncStep() {
        return exchange -> exchange.setProperty(OutputPosition.PROPERTY, syncWritten());
    }

    synchronized Path fileForNextPage() throws IOException {
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

    synchronized String syncWritten() throws IOException {
        if (current == null || !Files.exists(current)) {
            return null; // nothing was written (an empty page)
        }
        try (FileChannel file = FileChannel.open(current, StandardOpenOption.WRITE)) {
            file.force(false);
            return current.getFileName() + ":" + file.size();
        }
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
