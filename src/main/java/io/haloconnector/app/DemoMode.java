package io.haloconnector.app;

import java.util.Map;

/** Placeholder until the simulator lands. */
final class DemoMode implements AutoCloseable {
    static DemoMode start() {
        throw new ConfigurationException("--demo needs the Halo simulator, which is not in this build yet");
    }

    Map<String, String> overrides() {
        return Map.of();
    }

    @Override
    public void close() {
    }
}
