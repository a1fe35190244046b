package io.haloconnector.splunk;

import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.connector.PackedRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Route;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.RoutePolicySupport;
import sun.misc.Signal;

import java.io.PrintStream;
import java.util.Map;

/**
 * A run of the modular input: the connector's packed routes with Splunk's XML stream as the output,
 * inside one {@code <stream>} document, ended once the first poll has caught up.
 */
final class InputRun {
    /** The route of the poll whose end ends the run. */
    private static final String POLL_ROUTE = "halo-events";
    private static final String ROUTES = PackedRoutes.location("halo-accounts.yaml") + "," + PackedRoutes.location("halo-events.yaml") + ","
            + "classpath:io/haloconnector/splunk/output-splunk-modinput.yaml";

    private InputRun() {
    }

    /** Runs the connector with these properties over the packed defaults until its first poll has caught up. */
    static int catchUp(Map<String, String> overrides, PrintStream out) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(ConnectorMain.PACKED_DEFAULTS);
        // the packed source routes and, as the one output, Splunk's XML stream in place of output-stdout.yaml
        main.configure().withRoutesIncludePattern(ROUTES);
        main.configure().addConfiguration(ConnectorConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        // splunkd stops an input with SIGTERM (disabled, restarted): stop at a page boundary, close the stream, exit 0
        ((DefaultMainShutdownStrategy) main.getShutdownStrategy()).disableHangupSupport();
        Signal.handle(new Signal("TERM"), signal -> main.completed());
        Signal.handle(new Signal("INT"), signal -> main.completed());
        boolean[] pollFailed = {false};
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport support) {
                // the first poll (at start) runs until it has caught up; its end ends the run. A route
                // policy sees only the exchanges the poll route's own consumer started, not their copies
                support.getCamelContext().addRoutePolicyFactory((context, routeId, route) -> !POLL_ROUTE.equals(routeId) ? null
                        : new RoutePolicySupport() {
                            @Override
                            public void onExchangeDone(Route done, Exchange exchange) {
                                pollFailed[0] = exchange.getException() != null
                                        || exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT) != null;
                                main.completed();
                            }
                        });
            }
        });
        // one XML document per run: Splunk reads the events as they come and the run ends it
        out.print("<stream>\n");
        out.flush();
        try {
            main.run();
        } catch (Exception e) {
            return ModularInput.reportFailure(e);
        } finally {
            out.print("</stream>\n");
            out.flush();
        }
        return pollFailed[0] ? 1 : 0;
    }

}
