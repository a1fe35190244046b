package io.haloconnector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;

import java.util.Locale;
import java.util.Properties;

/**
 * Reads a secret by the name of where it is: the environment variable of that name, or else the
 * property of that name, found where Camel would find it (the environment as Camel maps a property
 * name to a variable, system properties, the properties files, override and initial properties, and
 * the host's own lookup such as Spring Boot's environment). The secret never passes through route
 * text or an endpoint URI, and not through Camel's property parser, whose DEBUG lines print each
 * value they resolve.
 */
public final class SecretFrom {
    private SecretFrom() {
    }

    /** The secret, or empty when {@code from} is blank or names nothing that holds a value. */
    public static String read(CamelContext context, String from) {
        String name = from == null ? "" : from.trim();
        if (name.isEmpty()) {
            return "";
        }
        String upper = name.toUpperCase(Locale.ROOT);
        for (String value : new String[] {System.getenv(name), System.getenv(upper),
                System.getenv(upper.replace('.', '_').replace('-', '_')), System.getProperty(name)}) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        org.apache.camel.spi.PropertiesComponent properties = context.getPropertiesComponent();
        // override, files and initial properties as one ranked set, read without the parser
        Properties loaded = properties.loadProperties(name::equals);
        String value = loaded.getProperty(name);
        if ((value == null || value.isBlank()) && properties instanceof PropertiesComponent component) {
            value = component.getPropertiesParser().customLookup(name);
        }
        if (value != null && value.contains("{{")) {
            // a value made of other placeholders ({{env:...}}) is resolved as Camel would
            value = context.resolvePropertyPlaceholders(value);
        }
        return value == null ? "" : value.trim();
    }
}
