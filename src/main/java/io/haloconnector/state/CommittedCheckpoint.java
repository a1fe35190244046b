package io.haloconnector.state;

import java.time.Instant;

/**
 * A checkpoint as its store holds it, with the time of the commit that wrote it: what
 * {@code halo-connector state show} prints.
 *
 * @param checkpoint the checkpoint
 * @param savedAt    when it was committed, or null when the store does not say (a file of an older version)
 */
public record CommittedCheckpoint(Checkpoint checkpoint, Instant savedAt) {

    /** The delivered ids kept for dedup. */
    public int deliveredIdCount() {
        return checkpoint.deliveredIds().values().stream().mapToInt(java.util.Set::size).sum();
    }
}
