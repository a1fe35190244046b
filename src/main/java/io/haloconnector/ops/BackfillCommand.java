package io.haloconnector.ops;

import java.util.List;

/**
 * Stand-in for {@code halo-connector backfill}, so the command line lists and dispatches it: the
 * backfill itself replaces this class.
 */
public final class BackfillCommand {
    private BackfillCommand() {
    }

    public static int run(List<String> args) {
        System.err.println("halo-connector backfill: not in this build");
        return HaloConnectorCommands.EXIT_FAILED;
    }
}
