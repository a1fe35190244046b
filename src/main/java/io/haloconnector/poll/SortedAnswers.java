package io.haloconnector.poll;

import io.haloconnector.state.DurableFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Whether the Halo API is trusted to list events in {@code created_at} order, as
 * {@code sort_by=created_at.asc} asks. Trusted until one page comes out of order; from then on the
 * cursor moves only when a slice of the window has been read whole. With a state folder the
 * distrust is remembered there (a marker file), so a later run does not trust the API again: a
 * crash in a slice whose first pages happened to be in order would otherwise lose what was not
 * listed yet. Deleting the marker trusts the API again.
 */
public final class SortedAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(SortedAnswers.class);
    /** The marker's name in the state folder. */
    public static final String MARKER = "halo-api-unsorted";

    private final Path marker;
    private volatile boolean trusted;

    /** For one run only. */
    public SortedAnswers() {
        this.marker = null;
        this.trusted = true;
    }

    /** Remembered in {@code stateDir}. */
    public SortedAnswers(Path stateDir) {
        this.marker = stateDir.resolve(MARKER);
        this.trusted = !Files.exists(marker);
        if (!trusted) {
            LOG.info("The Halo API listed events out of created_at order before ({}): the cursor moves only when a slice"
                    + " of each window has been read whole; delete that file if the API sorts again", marker);
        }
    }

    public boolean trusted() {
        return trusted;
    }

    void distrust() {
        if (!trusted) {
            return;
        }
        trusted = false;
        if (marker != null) {
            try {
                new DurableFile(marker).replace(("The Halo API listed a page out of created_at order at " + Instant.now()
                        + "; delete this file to trust it to sort again.\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // this run holds the cursor anyway; only a later run would trust the API again
                LOG.warn("Cannot write {} ({}): a restart will trust the Halo API to sort until it sees disorder again",
                        marker, e.getMessage());
            }
        }
    }
}
