package io.haloconnector.output;

import io.haloconnector.halo.HaloEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Where delivered events go (stdout, files, Splunk HEC). The route calls {@link #write} for each
 * new event of a page and then {@link #flush} once; the checkpoint moves only after flush returns.
 */
public interface EventSink extends Processor, AutoCloseable {

    /** Short name for logs, e.g. {@code file}. */
    String name();

    /**
     * Called once before the first write with the position that this sink returned from the last
     * committed {@link #flush} (null on a first run). A sink that can undo output written after
     * that commit (the file sink truncates it) does so here, so a crash leaves no repeat.
     */
    default void recover(String committedPosition) throws Exception {
    }

    /**
     * The route's delivery step: writes the exchange's event. A plain Processor call, because this
     * runs once per event and a bean call resolves its method by reflection each time (issue 5).
     */
    @Override
    default void process(Exchange exchange) throws Exception {
        write(exchange.getMessage().getBody(HaloEvent.class));
    }

    /** Takes one event; may buffer it, or block while the destination is unavailable (backpressure). */
    void write(HaloEvent event) throws Exception;

    /**
     * Blocks until everything written so far is durable at the destination (fsynced, accepted,
     * acknowledged), and returns the position to record with the checkpoint (null if none).
     * Throws when the destination did not take the events: the checkpoint then does not move.
     */
    String flush() throws Exception;

    /**
     * Drops what was written since the last flush and not yet sent: the page failed and will be
     * fetched and written again, so keeping it would write it twice.
     */
    void discard();

    @Override
    default void close() throws Exception {
    }
}
