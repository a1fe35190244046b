package io.haloconnector.syslog;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A route step that puts the RFC 5424 header before a message text set by a
 * {@link SyslogPayloadFormat}: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID - MSG}, as UTF-8
 * bytes without a byte-order mark (CEF and LEEF parsers do not expect one). PRI is
 * {@code syslog.facility} times 8 plus the event's severity; TIMESTAMP the event's created_at in
 * UTC with microseconds, or milliseconds where the format asks for them
 * ({@link SyslogPayloadFormat#TIMESTAMP_DIGITS}: LEEF); HOSTNAME this host's name; MSGID the event
 * type (its first 32 characters). Written here rather than with camel-syslog's converter, which formats a header from a Calendar in the local zone and
 * knows no MSGID. The framing (octet count or datagram) is the endpoint's.
 */
public final class Rfc5424Message implements Processor {
    private static final DateTimeFormatter MICROSECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLISECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final int facility;
    private final String hostname;
    private final String appName;

    public Rfc5424Message(int facility, String hostname, String appName) {
        this.facility = facility;
        this.hostname = headerField(hostname, 255);
        this.appName = headerField(appName, 48);
    }

    /** This host's name as RFC 5424 allows it, or {@code -} when it has none. */
    public static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "-";
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        int severity = in.getHeader(SyslogPayloadFormat.SEVERITY, 6, Integer.class);
        Instant timestamp = in.getHeader(SyslogPayloadFormat.TIMESTAMP, Instant.class);
        DateTimeFormatter format = in.getHeader(SyslogPayloadFormat.TIMESTAMP_DIGITS, 6, Integer.class) == 3 ? MILLISECONDS : MICROSECONDS;
        String type = in.getHeader(SyslogPayloadFormat.MSGID, "", String.class);
        // MSGID holds 32 characters: a longer type (vulnerable_software_package_found) is cut, the same for every event of it
        String msgId = headerField(type.length() > 32 ? type.substring(0, 32) : type, 32);
        String header = "<" + (facility * 8 + severity) + ">1 " + (timestamp == null ? "-" : format.format(timestamp))
                + ' ' + hostname + ' ' + appName + " - " + msgId + " - ";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] text = in.getMandatoryBody(String.class).getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[head.length + text.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(text, 0, message, head.length, text.length);
        in.setBody(message);
    }

    /** A header field: printable ASCII without spaces, at most {@code max} characters, or {@code -} (the nil value). */
    static String headerField(String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max || !value.chars().allMatch(c -> c >= 33 && c <= 126)) {
            return "-";
        }
        return value;
    }
}
