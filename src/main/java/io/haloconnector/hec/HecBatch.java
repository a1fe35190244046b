package io.haloconnector.hec;

import io.haloconnector.halo.HaloEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Events sent in one POST: their envelopes back to back ({@code {..}{..}}), gzipped or not.
 * The body is built once and reused by every retry.
 */
final class HecBatch {

    /** One event with its envelope bytes. */
    record Entry(HaloEvent event, byte[] envelope) {
    }

    private final List<Entry> entries;
    private byte[] body;

    HecBatch(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    int size() {
        return entries.size();
    }

    Entry get(int i) {
        return entries.get(i);
    }

    HecBatch slice(int from, int to) {
        return new HecBatch(entries.subList(from, to));
    }

    long uncompressedBytes() {
        return entries.stream().mapToLong(e -> e.envelope().length).sum();
    }

    byte[] body(boolean gzip) {
        if (body == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, gzip ? uncompressedBytes() / 4 + 64 : uncompressedBytes()));
            try (var sink = gzip ? new FastGzip(out) : out) {
                for (Entry entry : entries) {
                    sink.write(entry.envelope());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            body = out.toByteArray();
        }
        return body;
    }

    /**
     * gzip at the fastest level: JSON envelopes still shrink several times, at a fraction of the CPU of
     * the default level, which was a large share of the connector's CPU per event; HEC reads any level.
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(ByteArrayOutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
