package io.haloconnector.app;

import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.SettingSources;
import io.haloconnector.state.StateException;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the connector standalone with camel-main. Each setting comes from, highest first: -D and
 * the environment; the user's properties file ({@code --config FILE}, else HALO_CONNECTOR_CONFIG,
 * else {@code ./application.properties}); the defaults packed in the jar. The routes come from a
 * {@code routes/} folder beside that file, else {@code ./routes}, else the jar ({@link UserConfiguration}).
 * Runs until SIGTERM, then stops at a page boundary with the state saved (exit 0). The first
 * argument may name a command instead ({@code state}, {@code dead-letters}, ...: {@link HaloConnectorCommands}).
 * A wrong property or unusable state folder ends it at once with one line and exit code 2.
 */
public final class ConnectorMain {
    /** Exit code when the configuration or the state folder makes starting pointless. */
    public static final int EXIT_CONFIGURATION = 2;
    /**
     * The defaults packed in the jar: the project's application.properties under a name of ours, so
     * a runtime that loads the jar keeps its own {@code application.properties} at the class-path root.
     */
    public static final String PACKED_DEFAULTS = SettingSources.PACKED_DEFAULTS;

    private ConnectorMain() {
    }

    /**
     * Runs the connector alone ({@code [--config FILE] [--demo]}). {@code bin/halo-connector} starts
     * the command line (HaloConnectorCommands, in the package of the operator's commands), which
     * comes here when it is given no command or {@code run}.
     */
    public static void main(String[] args) {
        // stdout carries events only (the stdout output route's stream:out); logs go to stderr (logback.xml)
        int code;
        try {
            code = run(args);
        } catch (Throwable t) {
            code = reportStartFailure(t);
        }
        System.exit(code);
    }

    static int run(String[] args) {
        return runConnector(List.of(args));
    }

    /** The run command, and no command: runs the connector with {@code [--config FILE] [--demo]}. */
    public static int runConnector(List<String> arguments) {
        String[] args = arguments.toArray(String[]::new);
        boolean demo = false;
        String config = null;
        for (int i = 0; i < args.length; i++) {
            if ("--demo".equals(args[i])) {
                demo = true;
            } else if ("--config".equals(args[i])) {
                if (i + 1 == args.length) {
                    System.err.println("halo-connector: --config needs the properties file: --config FILE");
                    return EXIT_CONFIGURATION;
                }
                config = args[++i];
            } else if (args[i].startsWith("--config=")) {
                config = args[i].substring("--config=".length());
            } else {
                System.err.println("halo-connector: unknown argument " + args[i] + ": expected --config FILE, --demo, both or none"
                        + " (halo-connector --help lists the commands)");
                return EXIT_CONFIGURATION;
            }
        }
        if (demo) {
            String overriding = DemoMode.settingsInTheEnvironment(System.getenv());
            if (!overriding.isEmpty()) {
                // Camel ranks the environment above every other setting: the demo would poll and checkpoint as they say
                System.err.println("halo-connector: --demo runs on its own simulator and ./demo, but the environment sets "
                        + overriding + ", which would win over the demo's settings: run it through bin/halo-connector"
                        + " (which leaves them out for the demo) or without them");
                return EXIT_CONFIGURATION;
            }
        }
        UserConfiguration user = demo ? UserConfiguration.forDemo(config, Path.of(""))
                : UserConfiguration.locate(config, System.getenv(UserConfiguration.ENVIRONMENT_VARIABLE), Path.of(""));
        Main main = create(user, Map.of());
        // SIGTERM/SIGINT end the run loop, so the context stops and the process exits 0 (not 143)
        ((DefaultMainShutdownStrategy) main.getShutdownStrategy()).disableHangupSupport();
        Signal.handle(new Signal("TERM"), signal -> main.completed());
        Signal.handle(new Signal("INT"), signal -> main.completed());
        try {
            if (demo) {
                try (DemoMode simulator = DemoMode.start()) {
                    simulator.overrides().forEach(main::addOverrideProperty);
                    main.run();
                }
            } else {
                main.run();
            }
            return 0;
        } catch (Exception e) {
            return reportStartFailure(e);
        }
    }

    /**
     * A camel-main set up like the standalone connector run in the working folder without
     * {@code --config}, with extra properties over the files' (tests).
     */
    public static Main create(Map<String, String> overrides) {
        return create(UserConfiguration.locate(null, System.getenv(UserConfiguration.ENVIRONMENT_VARIABLE), Path.of("")), overrides);
    }

    /**
     * A camel-main set up like the standalone connector started with {@code --config configArgument}
     * (null: without it), with extra properties over the files' (the commands that run the connector's
     * routes for a task of their own).
     */
    public static Main create(String configArgument, Map<String, String> overrides) {
        return create(UserConfiguration.locate(configArgument, System.getenv(UserConfiguration.ENVIRONMENT_VARIABLE),
                Path.of("")), overrides);
    }

    static Main create(UserConfiguration user, Map<String, String> overrides) {
        LoggerFactory.getLogger(ConnectorMain.class).info(user.describe());
        Main main = new Main(); // no main class: package scanning would find ConnectorConfiguration a second time
        main.setPropertyPlaceholderLocations(user.propertiesLocations());
        main.configure().withRoutesIncludePattern(user.routesIncludePattern());
        main.configure().addConfiguration(ConnectorConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    /** The one line, and the exit code, of a run that failed to start or stopped on an error. */
    public static int reportStartFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException || t instanceof StateException) {
                System.err.println("halo-connector: " + t.getMessage());
                return EXIT_CONFIGURATION;
            }
        }
        System.err.println("halo-connector failed to start: " + io.haloconnector.poll.ReportPollFailure.describe(failure));
        return 1;
    }
}
