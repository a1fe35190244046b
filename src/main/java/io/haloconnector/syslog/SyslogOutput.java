package io.haloconnector.syslog;

import io.haloconnector.config.SyslogSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.netty.ChannelHandlerFactories;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * Binds what routes/output-syslog.yaml names, from {@link SyslogSettings}: the formats
 * ({@code cefFormat}, {@code leefFormat}, {@code jsonFormat}), {@code rfc5424Message}, the
 * endpoint's framing ({@code syslogFraming}: octet counting over TCP and TLS, one datagram per
 * message over UDP) and TLS ({@code syslogTls}: the trust store, or the JDK's); and the values the
 * endpoint URI takes as validated ({@code syslog.transport}, {@code syslog.port}, {@code syslog.tls.enabled}).
 */
public final class SyslogOutput {
    private SyslogOutput() {
    }

    public static void bind(CamelContext context, SyslogSettings settings) {
        Registry registry = context.getRegistry();
        registry.bind("cefFormat", new CefFormat());
        registry.bind("leefFormat", new LeefFormat());
        registry.bind("jsonFormat", new JsonFormat());
        registry.bind("rfc5424Message", new Rfc5424Message(settings.facility(), Rfc5424Message.localHostname(), settings.appName()));
        boolean udp = settings.protocol().equals("udp");
        registry.bind("syslogFraming", udp ? ChannelHandlerFactories.newDatagramPacketEncoder() : new OctetCountingFraming());
        registry.bind("syslogTls", tls(settings));
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.addOverrideProperty("syslog.transport", udp ? "udp" : "tcp");
        properties.addOverrideProperty("syslog.port", String.valueOf(settings.port()));
        properties.addOverrideProperty("syslog.tls.enabled", String.valueOf(settings.protocol().equals("tls")));
    }

    private static SSLContextParameters tls(SyslogSettings settings) {
        SSLContextParameters parameters = new SSLContextParameters();
        settings.trustStore().ifPresent(store -> {
            KeyStoreParameters keyStore = new KeyStoreParameters();
            keyStore.setKeyStore(store);
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(keyStore);
            parameters.setTrustManagers(trust);
        });
        return parameters;
    }
}
