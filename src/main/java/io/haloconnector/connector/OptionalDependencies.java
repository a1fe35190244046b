package io.haloconnector.connector;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.config.PropertyLookup;
import org.apache.camel.CamelContext;

import java.util.List;
import java.util.function.Predicate;

/**
 * The features whose libraries are optional dependencies of the connector's jar: a host that depends
 * on it gets none of them. A feature selected without its library is refused at start with one line
 * naming what to add, checked by class presence before any class of the library is touched (which
 * would end in a NoClassDefFoundError in the middle of the start). The standalone app packs them all.
 */
public final class OptionalDependencies {
    private final Predicate<String> onClassPath;

    /** Looks classes up in the class loader of the connector's own classes, which link against them. */
    public OptionalDependencies() {
        this(OptionalDependencies::loadable);
    }

    /** @param onClassPath whether a class of that name can be loaded */
    OptionalDependencies(Predicate<String> onClassPath) {
        this.onClassPath = onClassPath;
    }

    /** Refuses, with one line, the first selected feature whose library is missing. */
    public void check(CamelContext context, PropertyLookup props) {
        if (JdbcStateSettings.selected(props)) {
            require("halo.state.store=jdbc", List.of(
                    new Library("org.postgresql:postgresql", "org.postgresql.Driver"),
                    new Library("com.zaxxer:HikariCP", "com.zaxxer.hikari.HikariDataSource")));
        }
        String output = props.get("halo.output").orElse("");
        if (output.equals("kafka")) {
            require("halo.output=kafka", List.of(
                    new Library("org.apache.camel:camel-kafka", "org.apache.camel.component.kafka.KafkaComponent")));
        } else if (output.equals("syslog")) {
            require("halo.output=syslog", List.of(
                    new Library("org.apache.camel:camel-netty", "org.apache.camel.component.netty.NettyComponent")));
        }
        if (props.getBoolean("camel.management.enabled", false)) {
            require("camel.management.enabled=true (the health and metrics server)", List.of(
                    new Library("org.apache.camel:camel-platform-http-main",
                            "org.apache.camel.component.platform.http.main.MainHttpServer")));
        }
        if (props.getBoolean("camel.metrics.enabled", false)) {
            require("camel.metrics.enabled=true (Prometheus metrics)", List.of(
                    new Library("org.apache.camel:camel-micrometer-prometheus",
                            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry")));
        }
        if (context.isDevConsole() || props.getBoolean("camel.main.devConsoleEnabled", false)) {
            require("camel.main.devConsoleEnabled=true (the connector's console)", List.of(
                    new Library("org.apache.camel:camel-console", "org.apache.camel.impl.console.DefaultDevConsoleRegistry")));
        }
    }

    /** A library: its Maven coordinates, and a class it holds. */
    record Library(String artifact, String className) {
    }

    /**
     * Refuses the feature when a library it needs is missing.
     *
     * @param feature the setting that selects it, as the user writes it
     */
    void require(String feature, List<Library> libraries) {
        List<String> missing = libraries.stream().filter(library -> !onClassPath.test(library.className()))
                .map(Library::artifact).toList();
        if (!missing.isEmpty()) {
            throw new ConfigurationException(feature + " needs " + String.join(" and ", missing) + " on the class path: add "
                    + (missing.size() == 1 ? "it" : "them") + " to your pom");
        }
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, OptionalDependencies.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
