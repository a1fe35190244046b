package io.haloconnector.output;

import io.haloconnector.halo.HaloEvent;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;

/**
 * The body an output route receives: the new events of one page, in page order (oldest first).
 * Camel converts it to bytes as JSON lines (each event exactly as Halo sent it, one per line), which
 * is what {@code to: file:...} and {@code to: stream:out} write; {@code split} turns it into single
 * {@link HaloEvent} messages, which convert to one JSON object each.
 */
public final class EventBatch extends ArrayList<HaloEvent> {

    public EventBatch() {
    }

    public EventBatch(Collection<HaloEvent> events) {
        super(events);
    }

    /** The events as newline-delimited JSON. */
    public byte[] toJsonLines() {
        int size = 0;
        for (HaloEvent event : this) {
            size += event.json().length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (HaloEvent event : this) {
            out.write(event.json(), 0, event.json().length);
            out.write('\n');
        }
        return out.toByteArray();
    }
}
