package io.haloconnector.config;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Where camel-main serves health and metrics ({@code camel.management.*}). Camel logs a port it
 * cannot bind and runs on, so probes would reach whatever holds the port; and its endpoint summary
 * says 0.0.0.0 whatever the host. The connector checks the port before the server starts and says
 * the real address itself.
 */
public record ManagementEndpoint(String host, int port, String healthPath, String metricsPath) {

    /** The server's settings, or null when {@code camel.management.enabled} is not true. */
    public static ManagementEndpoint from(PropertyLookup props) {
        if (!props.getBoolean("camel.management.enabled", false)) {
            return null;
        }
        String port = props.get("camel.management.port").orElse("8080");
        try {
            return new ManagementEndpoint(props.get("camel.management.host").orElse("0.0.0.0"), Integer.parseInt(port),
                    props.get("camel.management.healthPath").orElse("/observe/health"),
                    props.get("camel.management.metricsPath").orElse("/observe/metrics"));
        } catch (NumberFormatException e) {
            throw new ConfigurationException("camel.management.port=" + port + " is not valid: expected a port number");
        }
    }

    /** Binds the port for a moment; refuses to start when another process holds it. */
    public void checkPortFree() {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // a port left in TIME_WAIT by the last run is free
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new ConfigurationException("camel.management.port=" + port + " on " + host + " is already in use (another"
                    + " connector?): set camel.management.port to a free port, or camel.management.enabled=false");
        } catch (IOException e) {
            throw new ConfigurationException("camel.management.host=" + host + " cannot be bound (" + e.getMessage()
                    + "): set camel.management.host to an address of this machine, such as 127.0.0.1");
        }
    }

    /** The health and metrics URLs at the address the server binds. */
    public String describe() {
        return url(healthPath) + " and " + url(metricsPath);
    }

    /** The URL of {@code path} on the management server, at the address it binds. */
    public String url(String path) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
    }
}
