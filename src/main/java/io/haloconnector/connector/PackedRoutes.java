package io.haloconnector.connector;

/**
 * Where the jar packs the connector's route files (the project's {@code routes/} folder): a folder of
 * ours, as a host's camel-main or Spring Boot takes {@code routes/} at the class-path root for its own.
 */
public final class PackedRoutes {
    /** The folder in the jar, as a class-path resource name. */
    public static final String FOLDER = "io/haloconnector/routes/";
    /** Every packed route file, as camel-main's {@code routesIncludePattern} takes it. */
    public static final String ALL = "classpath:" + FOLDER + "*.yaml";

    private PackedRoutes() {
    }

    /** The location of one packed route file, such as {@code halo-events.yaml}. */
    public static String location(String file) {
        return "classpath:" + FOLDER + file;
    }
}
