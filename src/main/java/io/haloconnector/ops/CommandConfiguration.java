package io.haloconnector.ops;

import io.haloconnector.account.HaloAccounts;
import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.connector.PackedRoutes;
import io.haloconnector.app.UserConfiguration;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorPropertyDefaults;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.config.PropertyLookup;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a command knows of the connector it works beside: the same settings, read the same way
 * (the file {@code --config} or HALO_CONNECTOR_CONFIG names, else ./application.properties, over
 * the defaults packed in the jar, under -D and the environment, through Camel's properties
 * component of a context that is never started), and the same accounts: one per
 * {@code templatedRoute} of the {@code halo-account} template in the routes the connector loads.
 */
public final class CommandConfiguration implements AutoCloseable {
    /** The name of this tool's own sessions in PostgreSQL, apart from a running connector's. */
    static final String DATABASE_APPLICATION = "halo-connector-command";

    /** One account: its name and the key of its checkpoint (a folder under halo.state.dir, or a row). */
    public record Account(String name, String stateKey) {
    }

    private final CamelContext context;
    private final PropertyLookup props;
    private final ConnectorSettings settings;
    private final List<Account> accounts;
    private final Path routesFrom;

    private CommandConfiguration(CamelContext context, PropertyLookup props, ConnectorSettings settings, List<Account> accounts,
                                 Path routesFrom) {
        this.context = context;
        this.routesFrom = routesFrom;
        this.props = props;
        this.settings = settings;
        this.accounts = accounts;
    }

    /** Reads the settings and accounts; {@code configArgument} is {@code --config}'s value, or null. */
    public static CommandConfiguration load(String configArgument) {
        UserConfiguration user = UserConfiguration.locate(configArgument,
                System.getenv(UserConfiguration.ENVIRONMENT_VARIABLE), Path.of(""));
        CamelContext context = new DefaultCamelContext(); // built, never started: its properties component and type converter
        context.getPropertiesComponent().setLocation(user.propertiesLocations());
        ConnectorPropertyDefaults.addTo(context);
        PropertyLookup props = ConnectorConfiguration.propertyLookup(context);
        ConnectorSettings settings = ConnectorSettings.from(props, Clock.systemUTC());
        List<Account> accounts = accounts(context, user.routesFrom());
        if (accounts.isEmpty()) {
            throw new ConfigurationException("the routes name no Halo account (no templatedRoute of the halo-account"
                    + " template in " + (user.routesFrom() == null ? "the routes packed in the jar" : user.routesFrom()) + ")");
        }
        return new CommandConfiguration(context, props, settings, accounts, user.routesFrom());
    }

    public PropertyLookup props() {
        return props;
    }

    public ConnectorSettings settings() {
        return settings;
    }

    /** The Camel context whose properties these are (not started). */
    public CamelContext context() {
        return context;
    }

    public List<Account> accounts() {
        return accounts;
    }

    /** The location of one of the connector's route files, such as {@code output-hec.yaml}: the user's, else the packed one. */
    public String routeFile(String name) {
        return routesFrom != null && Files.isRegularFile(routesFrom.resolve(name)) ? "file:" + routesFrom.resolve(name)
                : PackedRoutes.location(name);
    }

    /** The account of that name; one line listing the known ones when there is none. */
    public Account account(String name) {
        return accounts.stream().filter(account -> account.name().equals(name)).findFirst()
                .orElseThrow(() -> new CommandLineException("unknown account " + name + ": the configured accounts are "
                        + String.join(", ", accounts.stream().map(Account::name).toList())));
    }

    /** The accounts {@code --account} names: that one, or all of them. */
    public List<Account> accounts(Optional<String> name) {
        return name.map(n -> List.of(account(n))).orElse(accounts);
    }

    /** The account's state folder (its checkpoint with the file store, its lock and its Halo dead letters). */
    public Path stateDir(Account account) {
        return HaloAccounts.stateDir(settings, account.name(), account.stateKey());
    }

    /** The PostgreSQL settings with halo.state.store=jdbc, else empty (the file store). */
    public Optional<JdbcStateSettings> jdbc() {
        return JdbcStateSettings.selected(props) ? Optional.of(JdbcStateSettings.from(props)) : Optional.empty();
    }

    /**
     * Every {@code camel.beans.NAME} the settings define, with its value (such as
     * {@code #class:org.apache.camel.component.file.cluster.FileLockClusterService}): from the files
     * and from -D.
     */
    public Map<String, String> beans() {
        Map<String, String> beans = new LinkedHashMap<>();
        Properties files = context.getPropertiesComponent().loadProperties(name -> name.startsWith("camel.beans."));
        Stream.concat(files.stringPropertyNames().stream(), System.getProperties().stringPropertyNames().stream())
                .filter(name -> name.matches("camel\\.beans\\.[^.]+"))
                .forEach(name -> props.get(name).ifPresent(value -> beans.put(name.substring("camel.beans.".length()), value)));
        return beans;
    }

    @Override
    public void close() {
        context.stop();
    }

    /** The accounts of the routes folder (every *.yaml in it), or of the routes packed in the jar. */
    private static List<Account> accounts(CamelContext context, Path routesFrom) {
        List<Account> accounts = new ArrayList<>();
        if (routesFrom == null) {
            try (InputStream packed = ConnectorMain.class.getResourceAsStream("/" + PackedRoutes.FOLDER + "halo-accounts.yaml")) {
                if (packed != null) {
                    accountsOf(context, new String(packed.readAllBytes(), StandardCharsets.UTF_8), PackedRoutes.FOLDER + "halo-accounts.yaml", accounts);
                }
            } catch (IOException e) {
                throw new ConfigurationException("the routes packed in the jar cannot be read: " + e.getMessage());
            }
            return accounts;
        }
        try (Stream<Path> files = Files.list(routesFrom)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                accountsOf(context, Files.readString(file), file.toString(), accounts);
            }
        } catch (IOException e) {
            throw new ConfigurationException("the routes in " + routesFrom + " cannot be read: " + e.getMessage());
        }
        return accounts;
    }

    private static void accountsOf(CamelContext context, String yaml, String where, List<Account> accounts) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        } catch (RuntimeException e) {
            throw new ConfigurationException(where + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof List<?> items)) {
            return;
        }
        for (Object item : items) {
            if (item instanceof Map<?, ?> map && map.get("templatedRoute") instanceof Map<?, ?> templated
                    && "halo-account".equals(String.valueOf(templated.get("routeTemplateRef")))) {
                Map<String, String> parameters = new LinkedHashMap<>();
                if (templated.get("parameters") instanceof List<?> list) {
                    for (Object parameter : list) {
                        if (parameter instanceof Map<?, ?> p && p.get("name") != null) {
                            Object value = p.get("value");
                            // the same placeholders the template's parameters resolve when the connector loads them
                            parameters.put(String.valueOf(p.get("name")),
                                    value == null ? "" : context.resolvePropertyPlaceholders(String.valueOf(value)).trim());
                        }
                    }
                }
                String name = parameters.getOrDefault("account", "");
                String stateKey = parameters.getOrDefault("stateKey", "");
                accounts.add(new Account(name, stateKey.isEmpty() ? name : stateKey));
            }
        }
    }
}
