package io.haloconnector.output;

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
        out.write(event.json());
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
}
