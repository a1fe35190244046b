package io.haloconnector.app;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.state.StateException;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import sun.misc.Signal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the connector standalone with camel-main: {@code ./application.properties} and
 * {@code ./routes/*.yaml} from the working folder when they are there, else the defaults packed
 * in the jar. Runs until SIGTERM, then stops at a page boundary with the state saved (exit 0).
 * A wrong property or unusable state folder ends it at once with one line and exit code 2.
 */
public final class ConnectorMain {
    /** Exit code when the configuration or the state folder makes starting pointless. */
    public static final int EXIT_CONFIGURATION = 2;

    private ConnectorMain() {
    }

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
        Main main = create(Map.of());
        // SIGTERM/SIGINT end the run loop, so the context stops and the process exits 0 (not 143)
        ((DefaultMainShutdownStrategy) main.getShutdownStrategy()).disableHangupSupport();
        Signal.handle(new Signal("TERM"), signal -> main.completed());
        Signal.handle(new Signal("INT"), signal -> main.completed());
        try {
            if (args.length > 0 && "--demo".equals(args[0])) {
                try (DemoMode demo = DemoMode.start()) {
                    demo.overrides().forEach(main::addOverrideProperty);
                    main.run();
                }
            } else if (args.length > 0) {
                System.err.println("halo-connector: unknown argument " + args[0] + ": expected none, or --demo");
                return EXIT_CONFIGURATION;
            } else {
                main.run();
            }
            return 0;
        } catch (Exception e) {
            return reportStartFailure(e);
        }
    }

    /** A camel-main set up like the standalone connector, with extra highest-precedence properties (tests). */
    public static Main create(Map<String, String> overrides) {
        Main main = new Main(); // no main class: package scanning would find ConnectorConfiguration a second time
        main.setPropertyPlaceholderLocations(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        String routes = Files.isDirectory(Path.of("routes")) ? "file:routes/*.yaml" : "classpath:routes/*.yaml";
        main.configure().withRoutesIncludePattern(routes);
        main.configure().addConfiguration(ConnectorConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    static int reportStartFailure(Throwable failure) {
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
