package io.haloconnector.output;

import io.haloconnector.halo.HaloEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Newline-delimited JSON files under one folder, named {@code halo-events-<UTC day>-<nnn>.jsonl}:
 * a new file each UTC day, and a new one when a file passes the size limit. Files roll only at
 * page boundaries. {@link #flush} fsyncs, and its position (file and length) is saved with the
 * checkpoint; on start {@link #recover} cuts off whatever was written after the last commit,
 * so a crash leaves neither a half line nor a line that is later written again.
 */
public final class RollingFileEventSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(RollingFileEventSink.class);
    private static final Pattern NAME = Pattern.compile("halo-events-(\\d{4}-\\d{2}-\\d{2})-(\\d{3,})\\.jsonl");

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);
    private FileChannel channel;
    private Path current;
    private long size;

    public RollingFileEventSink(Path dir, long maxBytes, Clock clock) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.clock = clock;
        Files.createDirectories(this.dir);
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public void recover(String committedPosition) throws IOException {
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

    @Override
    public void write(HaloEvent event) throws IOException {
        if (channel == null) {
            open();
        }
        buffer.write(event.json());
        buffer.write('\n');
    }

    @Override
    public String flush() throws IOException {
        if (channel == null) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
        while (bytes.hasRemaining()) {
            size += channel.write(bytes);
        }
        buffer.reset();
        channel.force(false);
        String position = current.getFileName() + ":" + size;
        if (size >= maxBytes || !dayOf(current).equals(today())) {
            closeChannel(); // the next page starts a new file
        }
        return position;
    }

    @Override
    public void discard() {
        buffer.reset();
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }

    private void open() throws IOException {
        LocalDate today = today();
        Path latest = latestFile(today);
        if (latest != null && Files.size(latest) < maxBytes) {
            current = latest;
        } else {
            int next = latest == null ? 1 : sequenceOf(latest) + 1;
            current = dir.resolve(String.format("halo-events-%s-%03d.jsonl", today, next));
        }
        channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = channel.size();
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

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
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
