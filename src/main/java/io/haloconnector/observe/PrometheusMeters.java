package io.haloconnector.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** A Prometheus registry, in a class of its own so that nothing else links against the optional dependency. */
final class PrometheusMeters {
    private PrometheusMeters() {
    }

    static MeterRegistry create() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}
