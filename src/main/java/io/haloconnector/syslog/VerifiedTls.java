package io.haloconnector.syslog;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * The syslog endpoint's TLS (RFC 5425), the first of its encoders: a client TLS handler per
 * connection that verifies the receiver's certificate (the trust store, or the JDK's) and that it
 * names {@code syslog.host}. camel-netty 4.18's own {@code ssl=true} creates its SSLEngine without
 * the peer's host, so with {@code hostnameVerification=true} every handshake fails ("Hostname or IP
 * address is undefined") and without it any certificate of a trusted CA is taken for any host.
 */
public final class VerifiedTls extends DefaultChannelHandlerFactory {
    private final SSLContext context;
    private final String host;
    private final int port;

    public VerifiedTls(KeyStore trustStore, String host, int port) {
        this.host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore); // null: the JDK's trusted CAs
            context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS towards the syslog receiver: " + e.getMessage(), e);
        }
    }

    @Override
    public ChannelHandler newChannelHandler() {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return new SslHandler(engine);
    }
}
