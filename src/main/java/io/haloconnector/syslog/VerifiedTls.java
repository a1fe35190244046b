package io.haloconnector.syslog;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
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
 * A refused handshake reaches the route once, as the failure of the page's write.
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
        return new OneFailureSslHandler(engine);
    }

    /**
     * Fails the page's write with the handshake's reason, and only that: passed on down the pipeline,
     * the refusal would also reach camel-netty's channel handler, which sets it on the exchange again
     * after the route moved on (Camel's SedaConsumer then logs it as a WARN with its stack trace).
     */
    private static final class OneFailureSslHandler extends SslHandler {
        OneFailureSslHandler(SSLEngine engine) {
            super(engine);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (handshakeFailed()) {
                ctx.close(); // the pending write already failed with the handshake's reason
                return;
            }
            super.exceptionCaught(ctx, cause);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (handshakeFailed()) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(handshakeFuture().cause());
                return;
            }
            super.write(ctx, msg, promise);
        }

        private boolean handshakeFailed() {
            Future<Channel> handshake = handshakeFuture();
            return handshake.isDone() && !handshake.isSuccess();
        }
    }
}
