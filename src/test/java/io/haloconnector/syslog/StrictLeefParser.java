package io.haloconnector.syslog;

import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;

/**
 * Parses one LEEF 2.0 message as the spec allows: {@code LEEF:2.0|vendor|product|version|eventId|delimiter|}
 * (header fields cannot hold a pipe: LEEF has no escape), the delimiter one character or its hex
 * code ({@code x09}, {@code 0x09}), then {@code key=value} attributes split by it, each with a
 * non-empty key before its first {@code =}. A raw line break, an attribute without {@code =}
 * (what a delimiter inside a value leaves), a repeated key, or a {@code devTime} without a
 * {@code devTimeFormat} it parses with is an {@link IllegalArgumentException}. Values come back raw.
 */
public final class StrictLeefParser {

    public record Leef(String vendor, String product, String version, String eventId, char delimiter, Map<String, String> attributes) {
    }

    public static Leef parse(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a raw line break in a LEEF message");
        }
        if (!text.startsWith("LEEF:2.0|")) {
            throw new IllegalArgumentException("does not start with LEEF:2.0|");
        }
        String[] header = text.split("\\|", 7);
        if (header.length != 7) {
            throw new IllegalArgumentException("a LEEF 2.0 header has 6 fields after LEEF:2.0 and ends with |");
        }
        char delimiter = delimiter(header[5]);
        Map<String, String> attributes = new LinkedHashMap<>();
        String body = header[6];
        if (!body.isEmpty()) {
            for (String pair : body.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1)) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("not a key=value attribute: '" + pair + "'");
                }
                String key = pair.substring(0, equals);
                if (!key.matches("[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("not a LEEF key: '" + key + "'");
                }
                if (attributes.put(key, pair.substring(equals + 1)) != null) {
                    throw new IllegalArgumentException("the key " + key + " twice");
                }
            }
        }
        if (attributes.containsKey("devTime")) {
            String format = attributes.get("devTimeFormat");
            if (format == null) {
                throw new IllegalArgumentException("devTime without devTimeFormat");
            }
            devTime(attributes.get("devTime"), format);
        }
        return new Leef(header[1], header[2], header[3], header[4], delimiter, attributes);
    }

    /** devTime read with its devTimeFormat, a Java date pattern, as QRadar reads it. */
    public static Date devTime(String value, String format) {
        SimpleDateFormat parser = new SimpleDateFormat(format);
        parser.setLenient(false);
        parser.setTimeZone(TimeZone.getTimeZone("UTC"));
        try {
            java.text.ParsePosition position = new java.text.ParsePosition(0);
            Date date = parser.parse(value, position);
            if (date == null || position.getIndex() != value.length()) {
                throw new ParseException(value, position.getErrorIndex());
            }
            return date;
        } catch (ParseException e) {
            throw new IllegalArgumentException("devTime=" + value + " does not match devTimeFormat=" + format);
        }
    }

    private static char delimiter(String declared) {
        if (declared.length() == 1) {
            return declared.charAt(0);
        }
        if (declared.matches("(0x|x)[0-9A-Fa-f]{1,4}")) {
            return (char) Integer.parseInt(declared.substring(declared.indexOf('x') + 1), 16);
        }
        throw new IllegalArgumentException("not a LEEF delimiter: '" + declared + "'");
    }
}
