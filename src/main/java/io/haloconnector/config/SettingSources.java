package io.haloconnector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesResolvedValue;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where each {@code halo.*}, {@code hec.*}, {@code kafka.*} and {@code syslog.*} setting came
 * from, logged at start in the style of camel-main's auto-configuration summary:
 * {@code [/etc/halo-connector/application.properties] halo.perPage = 100}. Settings at the packed
 * defaults or the table's defaults are left out; secrets are shown as {@code xxxxxx}.
 */
public final class SettingSources {
    /** Where the standalone app packs its defaults (the project's application.properties); not in the library jar. */
    public static final String PACKED_DEFAULTS = "classpath:io/haloconnector/app/application.properties";
    private static final Logger LOG = LoggerFactory.getLogger(SettingSources.class);
    private static final String MASK = "xxxxxx";
    private static final List<String> PREFIXES = List.of("halo.", "hec.", "kafka.", "syslog.");
    private static final List<String> SECRET_ENDINGS = List.of("secret", "password", "token");
    // a user name and password in a URL, and secrets given as query parameters
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@?#]*@");
    private static final Pattern URL_SECRET_PARAMETER = Pattern.compile("(?i)((?:password|secret|token)=)[^&]*");

    private SettingSources() {
    }

    /** Logs the summary; {@code packedDefaults} is the location of the defaults, which are left out. */
    public static void log(CamelContext context, String packedDefaults) {
        List<String> lines = lines(context, packedDefaults);
        if (lines.isEmpty()) {
            LOG.info("Connector settings: all at their defaults");
            return;
        }
        LOG.info("Connector settings summary");
        lines.forEach(LOG::info);
    }

    /** The summary's lines: {@code [source] name = value}, in the table's order, then other keys by name. */
    static List<String> lines(CamelContext context, String packedDefaults) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Set<String> names = new LinkedHashSet<>();
        for (ConnectorProperty property : ConnectorProperty.values()) {
            names.add(property.property());
        }
        // keys a file holds that the table does not (another account's, or a misspelt one)
        names.addAll(new TreeSet<>(properties.loadProperties(SettingSources::isConnectorKey).stringPropertyNames()));
        String packed = location(packedDefaults);
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            String value = properties.resolveProperty(name).map(String::trim).orElse("");
            PropertiesResolvedValue resolved = properties.getResolvedValue(name).orElse(null);
            if (value.isEmpty() || resolved == null || resolved.source() == null
                    || ConnectorPropertyDefaults.NAME.equals(resolved.source()) || packed.equals(location(resolved.source()))) {
                continue;
            }
            lines.add("    [" + label(name, resolved.source()) + "] " + name + " = " + shown(context, name, value));
        }
        return lines;
    }

    private static boolean isConnectorKey(String name) {
        return PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** A location without its options ({@code ;optional=true}). */
    private static String location(String source) {
        int options = source.indexOf(';');
        return options < 0 ? source : source.substring(0, options);
    }

    private static String label(String name, String source) {
        return switch (source) {
            case "ENV" -> "OS Environment Variable " + environmentVariable(name);
            case "SYS" -> "JVM System Property";
            case "OverrideProperties" -> "override";
            case "InitialProperties" -> "initial";
            default -> source.startsWith("file:") ? location(source).substring("file:".length()) : location(source);
        };
    }

    /** The variable Camel took the value from: the name in capitals, as is or with dots and dashes as underscores. */
    private static String environmentVariable(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return System.getenv(upper) != null ? upper : upper.replace('.', '_').replace('-', '_');
    }

    static boolean isSecret(CamelContext context, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_ENDINGS.stream().anyMatch(lower::endsWith)
                || CamelContextHelper.containsSensitive(context, name)
                || ConnectorProperty.named(name).map(ConnectorProperty::secret).orElse(false);
    }

    private static String shown(CamelContext context, String name, String value) {
        if (isSecret(context, name)) {
            return MASK;
        }
        if (name.toLowerCase(Locale.ROOT).endsWith("url")) {
            String hidden = URL_USER_INFO.matcher(value).replaceAll(MASK + "@");
            return URL_SECRET_PARAMETER.matcher(hidden).replaceAll("$1" + MASK);
        }
        return value;
    }
}
