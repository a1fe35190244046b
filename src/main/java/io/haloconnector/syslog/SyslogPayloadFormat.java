package io.haloconnector.syslog;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * A route step that turns one {@link HaloEvent} into the text of its syslog message (the body
 * becomes a String) and sets the headers {@link Rfc5424Message} builds the message's header from.
 * One subclass per {@code syslog.format}, bound as {@code cefFormat}, {@code leefFormat}, {@code jsonFormat}.
 */
public abstract class SyslogPayloadFormat implements Processor {
    /** The event's syslog severity, 0 to 7. */
    public static final String SEVERITY = "haloSyslogSeverity";
    /** The event's created_at, an Instant. */
    public static final String TIMESTAMP = "haloSyslogTimestamp";
    /** The event's type, the message's MSGID. */
    public static final String MSGID = "haloSyslogMsgId";

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        HaloEvent event = in.getMandatoryBody(HaloEvent.class);
        JsonNode tree = event.tree();
        int severity = SiemFields.severity(event.type(), tree.path("critical").asBoolean(false));
        in.setHeader(SEVERITY, SiemFields.syslogSeverity(severity));
        in.setHeader(TIMESTAMP, event.createdAt());
        in.setHeader(MSGID, event.type());
        in.setBody(payload(event, tree, severity));
    }

    /** The message text of one event, on one line; {@code severity} is 0 to 10. */
    abstract String payload(HaloEvent event, JsonNode tree, int severity);
}
