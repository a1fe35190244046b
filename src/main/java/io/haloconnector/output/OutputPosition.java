package io.haloconnector.output;

/**
 * Where an output stands after a page, for outputs that can undo a partial write: the output route
 * sets the exchange property {@link #PROPERTY} (the file output's {@code name:length}), the commit
 * saves it with the checkpoint, and a restart cuts off what was written after it.
 */
public final class OutputPosition {
    public static final String PROPERTY = "haloOutputPosition";

    private OutputPosition() {
    }
}
