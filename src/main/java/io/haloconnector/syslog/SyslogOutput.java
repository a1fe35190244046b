package io.haloconnector.syslog;

import io.haloconnector.observe.ConnectorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.netty.ChannelHandlerFactories;
import org.apache.camel.spi.Registry;

/**
 * Binds what routes/output-syslog.yaml names, from {@link SyslogSettings}: the formats
 * ({@code cefFormat}, {@code leefFormat}, {@code jsonFormat}), {@code rfc5424Message}, the framing
 * ({@code octetCountedPage} over TCP and TLS, {@code syslogDatagrams}, one datagram per message, over
 * UDP) and TLS ({@code syslogTls}, {@link VerifiedTls}); and the settings themselves as {@code syslogSettings},
 * whose port the endpoints read as validated ({@code {{bean:syslogSettings.port}}}).
 */
public final class SyslogOutput {
    private SyslogOutput() {
    }

    /** {@code meters}: the registry /observe/metrics serves, which counts the CEF values cut to their length. */
    public static void bind(CamelContext context, SyslogSettings settings, MeterRegistry meters) {
        Registry registry = context.getRegistry();
        registry.bind("cefFormat", new CefFormat(ConnectorMetrics.cefValueCut(meters)));
        registry.bind("leefFormat", new LeefFormat());
        registry.bind("jsonFormat", new JsonFormat());
        registry.bind("rfc5424Message", new Rfc5424Message(settings.facility(), Rfc5424Message.localHostname(), settings.appName()));
        boolean tls = settings.protocol().equals("tls");
        registry.bind("octetCountedPage", new OctetCountedPage());
        registry.bind("syslogDatagrams", ChannelHandlerFactories.newDatagramPacketEncoder());
        if (tls) {
            registry.bind("syslogTls", new VerifiedTls(settings.trustStore().orElse(null), settings.host(), settings.port()));
        }
        // the routes read the port as validated, {{bean:syslogSettings.port}}: syslog.port, else the protocol's own
        registry.bind("syslogSettings", settings);
    }
}
