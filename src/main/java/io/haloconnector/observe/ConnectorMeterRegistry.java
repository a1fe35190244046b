package io.haloconnector.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The registry the connector's meters go to: the context's {@code metricsRegistry} when there is one
 * (camel-micrometer-prometheus's, or a host's own), else a Prometheus registry bound under that name for
 * camel-micrometer-prometheus to serve at {@code /observe/metrics}, else (a host without that optional
 * dependency) an in-memory one, so the connector runs the same with or without metrics served.
 */
public final class ConnectorMeterRegistry {
    /** The name camel-micrometer looks the registry up by (its MicrometerConstants.METRICS_REGISTRY_NAME). */
    public static final String NAME = "metricsRegistry";
    static final String PROMETHEUS_REGISTRY = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

    private ConnectorMeterRegistry() {
    }

    /** The context's registry, bound under {@value #NAME} if it had none. */
    public static MeterRegistry of(CamelContext context) {
        MeterRegistry existing = context.getRegistry().lookupByNameAndType(NAME, MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        // PrometheusMeters is loaded only here: without micrometer-registry-prometheus the class is never touched
        MeterRegistry created = isPresent(PROMETHEUS_REGISTRY) ? PrometheusMeters.create() : new SimpleMeterRegistry();
        context.getRegistry().bind(NAME, created);
        return created;
    }

    static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ConnectorMeterRegistry.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
