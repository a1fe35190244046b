package io.haloconnector.syslog;

import org.apache.camel.component.netty.DefaultChannelHandlerFactory;
import org.apache.camel.component.syslog.netty.Rfc5425Encoder;
import io.netty.channel.ChannelHandler;

/**
 * The TCP and TLS framing of the syslog endpoint ({@code encoders: "#syslogFraming"}): camel-syslog's
 * {@link Rfc5425Encoder}, which writes each message as {@code <length> SP <message>} (RFC 5425,
 * the same as RFC 6587's octet counting). That encoder is not sharable, so each connection (a new
 * one after every reconnect) gets its own through this factory.
 */
public final class OctetCountingFraming extends DefaultChannelHandlerFactory {
    @Override
    public ChannelHandler newChannelHandler() {
        return new Rfc5425Encoder();
    }
}
