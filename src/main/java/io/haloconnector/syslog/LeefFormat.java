package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;
import io.haloconnector.halo.HaloEvent;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code syslog.format=leef}: LEEF 2.0,
 * {@code LEEF:2.0|CloudPassage|Halo|1.0|<type>|x09|devTime=...<tab>devTimeFormat=...<tab>sev=...<tab>...},
 * the pairs as {@link SiemFields} maps them, separated by the declared delimiter, a tab. LEEF
 * defines no escaping, so a value's tab, line feed and carriage return are written as the two
 * characters {@code \t}, {@code \n}, {@code \r} (and a backslash as {@code \\}): no value can
 * split a pair or a message. The RFC 5424 header's TIMESTAMP has milliseconds, as IBM's LEEF guide
 * asks of a LEEF event's syslog header.
 */
public final class LeefFormat extends SyslogPayloadFormat {
    /** The delimiter, and how LEEF 2.0's header declares it. */
    static final char DELIMITER = '\t';
    static final String DELIMITER_DECLARED = "x09";
    private static final DateTimeFormatter DEV_TIME = DateTimeFormatter.ofPattern(SiemFields.LEEF_TIME_PATTERN).withZone(ZoneOffset.UTC);

    /** IBM's LEEF guide (LEEF event components, syslog header) wants {@code yyyy-MM-ddTHH:mm:ss.SSSZ}: milliseconds. */
    @Override
    int timestampDigits() {
        return 3;
    }

    @Override
    String payload(HaloEvent event, EventFields fields, int severity) {
        StringBuilder out = new StringBuilder(256 + event.json().length);
        out.append("LEEF:2.0|").append(CefFormat.VENDOR).append('|').append(CefFormat.PRODUCT).append('|')
                .append(CefFormat.VERSION).append('|').append(SiemFields.signatureId(event.type())).append('|')
                .append(DELIMITER_DECLARED).append('|');
        out.append(SiemFields.LEEF_TIME).append('=').append(DEV_TIME.format(event.createdAt()));
        out.append(DELIMITER).append(SiemFields.LEEF_TIME_FORMAT).append('=').append(SiemFields.LEEF_TIME_PATTERN);
        out.append(DELIMITER).append(SiemFields.LEEF_SEVERITY).append('=').append(Math.max(1, severity));
        for (SiemFields field : SiemFields.values()) {
            String value = field.valueIn(fields);
            if (value != null) {
                value(out.append(DELIMITER).append(field.leef()).append('='), value);
            }
        }
        return out.toString();
    }

    static StringBuilder value(StringBuilder out, String value) {
        int plain = 0; // the text up to the first character to escape is appended in one piece
        while (plain < value.length() && isPlainInValue(value.charAt(plain))) {
            plain++;
        }
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    /** Whether a value's character is written as it is. */
    private static boolean isPlainInValue(char c) {
        return c != '\\' && c != '\t' && c != '\n' && c != '\r';
    }
}
