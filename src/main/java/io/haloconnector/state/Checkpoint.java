package io.haloconnector.state;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What survives a restart: where the first run started, the {@code created_at} of the newest
 * delivered event (the cursor), the ids delivered at or after {@code cursor - overlap} (the only
 * ones an inclusive {@code since} can bring back), and the output's position at that commit.
 *
 * @param start          the first-run start; later polls never ask for older events
 * @param cursor         created_at of the newest delivered event, null before the first one
 * @param deliveredIds   recent delivered ids by created_at
 * @param output         the output the position belongs to (stdout, file, hec)
 * @param outputPosition the output's own position (the file sink's file and length), or null
 */
public record Checkpoint(Instant start, Instant cursor, Map<Instant, Set<String>> deliveredIds,
                         String output, String outputPosition) {

    /** A first run that starts at {@code start} with nothing delivered. */
    public static Checkpoint firstRun(Instant start) {
        return new Checkpoint(start, null, Map.of(), null, null);
    }
}
