package io.haloconnector.syslog;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The split's aggregation over TCP and TLS ({@code octetCountedPage}): each event's RFC 5424
 * message framed by octet counting ({@code <length> SP <message>}, RFC 6587 section 3.4.1, the
 * same as RFC 5425), all of a page's in one buffer, which the endpoint writes at once. Framed here
 * rather than by camel-syslog's Rfc5425Encoder, which frames one message per write: a write per
 * event cost about ten times the CPU of the whole page's write (measured, docs/benchmarks.md).
 */
public final class OctetCountedPage implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Exchange result = oldExchange;
        if (result == null) {
            result = newExchange.copy();
            result.getMessage().setBody(new ByteArrayOutputStream(64 * 1024));
        }
        if (newExchange.getException() != null) {
            result.setException(newExchange.getException());
            return result;
        }
        byte[] message = newExchange.getMessage().getBody(byte[].class);
        ByteArrayOutputStream page = result.getMessage().getBody(ByteArrayOutputStream.class);
        page.writeBytes((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        page.writeBytes(message);
        return result;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        if (exchange != null && exchange.getMessage().getBody() instanceof ByteArrayOutputStream page) {
            exchange.getMessage().setBody(page.toByteArray());
        }
    }
}
