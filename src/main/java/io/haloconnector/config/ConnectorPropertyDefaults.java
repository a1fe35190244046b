package io.haloconnector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;

import java.util.Locale;
import java.util.Properties;

/**
 * The defaults of {@link ConnectorProperty} as a properties source of Camel's properties component:
 * a route's {@code {{halo.retry.maxAttempts}}} resolves to the table's default when the user gave
 * no value, or a blank one ("blank means the default", as application.properties says), on any
 * runtime that loads the library, with or without an application.properties.
 * <p>
 * Camel asks the environment, system properties and override properties before any source, then
 * the sources in order, then the initial properties and last the runtime's own lookup (Spring Boot's
 * environment). This source ranks first among the sources and answers only when none of the places
 * below it holds a non-blank value: a user's value wins wherever it is, and a blank one falls back to
 * the default instead of reaching the routes as an empty text.
 */
public final class ConnectorPropertyDefaults implements PropertiesSource, Ordered {
    /** The source's name, as the properties component reports where a value came from. */
    public static final String NAME = "halo-connector-defaults";

    private final org.apache.camel.spi.PropertiesComponent properties;

    private ConnectorPropertyDefaults(org.apache.camel.spi.PropertiesComponent properties) {
        this.properties = properties;
    }

    /** Adds the source to the context's properties component, once. */
    public static void addTo(CamelContext context) {
        org.apache.camel.spi.PropertiesComponent properties = context.getPropertiesComponent();
        // Camel's own discovery (registry beans, the one properties-source-factory service a class path may carry) runs
        // before a CamelConfiguration or plugin can bind anything, and that one service slot is the host's to use
        if (properties.getPropertiesSource(NAME) == null) {
            properties.addPropertiesSource(new ConnectorPropertyDefaults(properties));
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getOrder() {
        // first, deferring to any non-blank value below: ranked last, a blank value in a file would reach the routes as ""
        return Ordered.HIGHEST;
    }

    @Override
    public String getProperty(String name) {
        String fallback = ConnectorProperty.named(name).flatMap(ConnectorProperty::defaultValue).orElse(null);
        if (fallback == null || hasValueBelow(name)) {
            return null;
        }
        return fallback;
    }

    /** Whether a place Camel asks after this source holds a non-blank value for the name. */
    private boolean hasValueBelow(String name) {
        for (PropertiesSource source : properties.getPropertiesSources()) {
            if (source != this && isGiven(source.getProperty(name))) {
                return true;
            }
        }
        if (!(properties instanceof PropertiesComponent component)) {
            return false;
        }
        Properties initial = component.getInitialProperties();
        if (initial != null && isGiven(initial.getProperty(name))) {
            return true;
        }
        if (isGiven(component.getPropertiesParser().customLookup(name))) {
            return true;
        }
        // a host that set the environment or system properties to rank below the files
        return component.getEnvironmentVariableMode() == PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK
                && (isGiven(System.getenv(name.toUpperCase(Locale.ROOT)))
                || isGiven(System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))))
                || component.getSystemPropertiesMode() == PropertiesComponent.SYSTEM_PROPERTIES_MODE_FALLBACK
                && isGiven(System.getProperty(name));
    }

    private static boolean isGiven(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
