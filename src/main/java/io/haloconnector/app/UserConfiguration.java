package io.haloconnector.app;

import io.haloconnector.connector.PackedRoutes;
import io.haloconnector.config.ConfigurationException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user's own configuration of the standalone connector: the properties file named by
 * {@code --config FILE}, else by the environment variable {@value #ENVIRONMENT_VARIABLE}, else
 * {@code application.properties} of the working folder when there is one; and the routes, from a
 * {@code routes/} folder beside that file, else {@code ./routes}, else the copies packed in the jar.
 *
 * @param file       the properties file, absolute, or null when the working folder holds none
 * @param namedBy    how the file was chosen ({@code --config}, the variable, or the working folder)
 * @param routesFrom the folder of the routes, or null for the packed ones
 */
public record UserConfiguration(Path file, String namedBy, Path routesFrom) {
    /** Names the properties file when {@code --config} does not: a service manager sets it (systemd's Environment=). */
    public static final String ENVIRONMENT_VARIABLE = "HALO_CONNECTOR_CONFIG";
    static final String FILE_NAME = "application.properties";

    /**
     * @param configArgument the {@code --config} argument, or null
     * @param environment    the value of {@value #ENVIRONMENT_VARIABLE}, or null
     * @param workingFolder  the folder the connector runs in
     */
    public static UserConfiguration locate(String configArgument, String environment, Path workingFolder) {
        Path workingDir = workingFolder.toAbsolutePath().normalize();
        Path file;
        String namedBy;
        if (configArgument != null) {
            namedBy = "named by --config";
            file = named(workingDir, configArgument, "--config " + configArgument);
        } else if (environment != null && !environment.isBlank()) {
            namedBy = "named by " + ENVIRONMENT_VARIABLE;
            file = named(workingDir, environment, ENVIRONMENT_VARIABLE + "=" + environment);
        } else {
            namedBy = "in the working folder";
            Path local = workingDir.resolve(FILE_NAME);
            file = Files.isRegularFile(local) ? local : null;
        }
        Path routes = null;
        if (file != null && Files.isDirectory(file.getParent().resolve("routes"))) {
            routes = file.getParent().resolve("routes");
        } else if (Files.isDirectory(workingDir.resolve("routes"))) {
            routes = workingDir.resolve("routes");
        }
        return new UserConfiguration(file, namedBy, routes);
    }

    private static Path named(Path workingDir, String name, String given) {
        Path file = workingDir.resolve(name).normalize();
        if (Files.isDirectory(file)) {
            throw new ConfigurationException(given + " is a folder: name the properties file in it, such as "
                    + file.resolve(FILE_NAME));
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(given + ": no such file (" + file + "): name an existing properties file");
        }
        // camel-main splits its properties locations at commas
        if (file.toString().contains(",")) {
            throw new ConfigurationException(given + ": the path holds a comma, which Camel's properties locations"
                    + " cannot take: move or link the file to a path without one");
        }
        return file;
    }

    /**
     * The demo's: a file only when {@code --config} names one. Neither the variable nor the working
     * folder's file, which hold a deployment's settings (its output, its state store): the demo's
     * simulated events and checkpoint must not reach them.
     */
    static UserConfiguration forDemo(String configArgument, Path workingFolder) {
        if (configArgument != null) {
            return locate(configArgument, null, workingFolder);
        }
        Path workingDir = workingFolder.toAbsolutePath().normalize();
        return new UserConfiguration(null, "none for the demo",
                Files.isDirectory(workingDir.resolve("routes")) ? workingDir.resolve("routes") : null);
    }

    /** camel-main's properties locations: the user's file first (the first location holding a key wins), then the packed defaults. */
    public String propertiesLocations() {
        return file == null ? ConnectorMain.PACKED_DEFAULTS : "file:" + file + "," + ConnectorMain.PACKED_DEFAULTS;
    }

    String routesIncludePattern() {
        return routesFrom == null ? PackedRoutes.ALL : "file:" + routesFrom + "/*.yaml";
    }

    /** One line for the start-up log. */
    String describe() {
        String routes = routesFrom == null ? "the routes packed in the jar" : "routes from " + routesFrom;
        if (file == null) {
            return "Configuration: no " + FILE_NAME + " in the working folder: the defaults packed in the jar, -D and"
                    + " the environment; " + routes;
        }
        return "Configuration: " + file + " (" + namedBy + "), over the defaults packed in the jar; " + routes;
    }
}
