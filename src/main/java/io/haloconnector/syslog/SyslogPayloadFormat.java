package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;
import io.haloconnector.halo.HaloEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.List;

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
    /** How many decimals of a second the header's TIMESTAMP takes: 3 or 6 (an Integer). */
    public static final String TIMESTAMP_DIGITS = "haloSyslogTimestampDigits";
    /** The event's type, the message's MSGID. */
    public static final String MSGID = "haloSyslogMsgId";
    /** The event's own name, CEF's Name when it has one. */
    static final String NAME = "name";
    /** Halo's flag that raises an event's severity. */
    static final String CRITICAL = "critical";
    // the fields any format reads, read in one scan of the event (no JSON tree)
    private static final EventFields.Reader FIELDS = EventFields.reader(fieldsRead());

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        HaloEvent event = in.getMandatoryBody(HaloEvent.class);
        EventFields fields = FIELDS.read(event);
        int severity = SiemFields.severity(event.type(), fields.isTrue(CRITICAL));
        in.setHeader(SEVERITY, SiemFields.syslogSeverity(severity));
        in.setHeader(TIMESTAMP, event.createdAt());
        in.setHeader(TIMESTAMP_DIGITS, timestampDigits());
        in.setHeader(MSGID, event.type());
        in.setBody(payload(event, fields, severity));
    }

    /** Decimals of a second in the RFC 5424 TIMESTAMP: microseconds, the most RFC 5424 allows, unless the format's spec says otherwise. */
    int timestampDigits() {
        return 6;
    }

    /** The message text of one event, on one line; {@code severity} is 0 to 10. */
    abstract String payload(HaloEvent event, EventFields fields, int severity);

    private static List<String> fieldsRead() {
        List<String> names = new ArrayList<>(List.of(NAME, CRITICAL));
        for (SiemFields field : SiemFields.values()) {
            names.add(field.halo());
        }
        return names;
    }
}
