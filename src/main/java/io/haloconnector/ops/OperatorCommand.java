package io.haloconnector.ops;

import java.util.List;

/**
 * One command of {@code bin/halo-connector} (see {@link HaloConnectorCommands}): given the
 * arguments after its name, it prints its answer and returns the exit code.
 */
@FunctionalInterface
public interface OperatorCommand {
    int run(List<String> args);
}
