package io.haloconnector.output;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.haloconnector.halo.HaloApiClient;
import io.haloconnector.halo.HaloEvent;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One JSON object per line on stdout, the Halo event unchanged. The connector sends its logs
 * (and anything printed with System.out) to stderr, so stdout carries events only and can be
 * piped into jq or another tool.
 */
public final class StdoutEventSink implements EventSink {
    private static final ObjectWriter WRITER = HaloApiClient.JSON.writer();

    private final OutputStream out;

    /** Writes to {@code stdout}, the process's real standard output (see ConnectorMain). */
    public StdoutEventSink(OutputStream stdout) {
        this.out = new BufferedOutputStream(stdout, 1 << 16);
    }

    /** The process's standard output, whatever System.out was redirected to. */
    public static OutputStream standardOutput() {
        return new java.io.FileOutputStream(java.io.FileDescriptor.out);
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public void write(HaloEvent event) throws IOException {
        WRITER.writeValue(new NonClosingStream(out), event.json());
        out.write('\n');
    }

    @Override
    public String flush() throws IOException {
        out.flush();
        return null;
    }

    @Override
    public void discard() {
        // a buffered stream cannot take bytes back: lines not yet flushed go out; the page may repeat on stdout
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }

    /** Jackson closes the stream it writes to; stdout must stay open. */
    private static final class NonClosingStream extends java.io.FilterOutputStream {
        NonClosingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // keep stdout open
        }
    }
}
