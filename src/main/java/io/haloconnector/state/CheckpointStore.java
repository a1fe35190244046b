package io.haloconnector.state;

import java.util.Optional;

/**
 * Where the checkpoint lives. The file store serves one connector; a database store can serve a
 * cluster later. {@link #save} is atomic: after a crash, {@link #load} sees the old or the new
 * checkpoint, never a mix.
 */
public interface CheckpointStore extends AutoCloseable {

    /** The saved checkpoint, empty on a first run; throws {@link StateException} when it cannot be read. */
    Optional<Checkpoint> load();

    /** Saves durably (on disk before it returns); throws {@link StateException} when it cannot. */
    void save(Checkpoint checkpoint);

    /** Where, for log lines: a path or a database name. */
    String location();

    /** How a user moves this store's cursor back by hand, for a message that asks them to. */
    default String resetHint() {
        return "set \"cursor\" in that file to the created_at of the last event your output received (or delete the"
                + " file to start again from the account's start)";
    }

    @Override
    default void close() {
    }
}
