package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;
import io.haloconnector.halo.HaloEvent;

/**
 * {@code syslog.format=cef}: {@code CEF:0|CloudPassage|Halo|1.0|<type>|<name>|<severity>|<extension>},
 * the extension as {@link SiemFields} maps it. Escaping as the CEF spec says: {@code \|} and
 * {@code \\} in the header; {@code \=}, {@code \\}, {@code \n} and {@code \r} in extension values.
 */
public final class CefFormat extends SyslogPayloadFormat {
    static final String VENDOR = "CloudPassage";
    static final String PRODUCT = "Halo";
    static final String VERSION = "1.0";

    @Override
    String payload(HaloEvent event, EventFields fields, int severity) {
        String name = fields.isString(NAME) && !fields.text(NAME).isEmpty() ? fields.text(NAME) : event.type();
        StringBuilder out = new StringBuilder(256 + event.json().length);
        out.append("CEF:0|").append(VENDOR).append('|').append(PRODUCT).append('|').append(VERSION).append('|');
        header(out, SiemFields.signatureId(event.type())).append('|');
        header(out, name).append('|');
        out.append(severity).append('|');
        out.append(SiemFields.CEF_TIME).append('=').append(event.createdAt().toEpochMilli());
        for (SiemFields field : SiemFields.values()) {
            String value = field.valueIn(fields);
            if (value == null) {
                continue;
            }
            extension(out.append(' ').append(field.cef()).append('='), value);
            if (field.cefLabel() != null) {
                extension(out.append(' ').append(field.cef()).append("Label="), field.cefLabel());
            }
        }
        return out.toString();
    }

    /** A header field: pipe and backslash escaped; CEF has no escape for a line break there, so it becomes a space. */
    static StringBuilder header(StringBuilder out, String value) {
        int plain = 0; // the text up to the first character to escape is appended in one piece
        while (plain < value.length() && isPlainInHeader(value.charAt(plain))) {
            plain++;
        }
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '|' -> out.append("\\|");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out;
    }

    /** An extension value: backslash, equals sign, line feed and carriage return escaped (a pipe needs none). */
    static StringBuilder extension(StringBuilder out, String value) {
        int plain = 0; // the text up to the first character to escape is appended in one piece
        while (plain < value.length() && isPlainInExtension(value.charAt(plain))) {
            plain++;
        }
        out.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '=' -> out.append("\\=");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    /** Whether a header character is written as it is. */
    private static boolean isPlainInHeader(char c) {
        return c != '\\' && c != '|' && c != '\n' && c != '\r';
    }

    /** Whether an extension value's character is written as it is. */
    private static boolean isPlainInExtension(char c) {
        return c != '\\' && c != '=' && c != '\n' && c != '\r';
    }
}
