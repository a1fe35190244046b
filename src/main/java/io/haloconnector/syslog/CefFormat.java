package io.haloconnector.syslog;

import io.haloconnector.halo.EventFields;
import io.haloconnector.halo.HaloEvent;

import java.util.function.Consumer;

/**
 * {@code syslog.format=cef}: {@code CEF:0|CloudPassage|Halo|1.0|<type>|<name>|<severity>|<extension>},
 * the extension as {@link SiemFields} maps it. Escaping as the CEF spec says: {@code \|} and
 * {@code \\} in the header; {@code \=}, {@code \\}, {@code \n} and {@code \r} in extension values.
 * A value longer than ArcSight's Extension Dictionary allows its key (the header's Name too) is cut
 * there and ends with {@link #CUT_MARK}: see {@link #withinLength}.
 */
public final class CefFormat extends SyslogPayloadFormat {
    static final String VENDOR = "CloudPassage";
    static final String PRODUCT = "Halo";
    static final String VERSION = "1.0";
    /** The last character of a cut value, within its length: a SIEM user sees the value goes on. */
    public static final String CUT_MARK = "\u2026";
    /** The key a cut Name counts under: the header field's name in the dictionary. */
    public static final String NAME_KEY = "name";

    private final Consumer<String> valueCut;

    /** Cuts without counting (tests and tools). */
    public CefFormat() {
        this(key -> { });
    }

    /** {@code valueCut} hears the CEF key of every value cut to its length. */
    public CefFormat(Consumer<String> valueCut) {
        this.valueCut = valueCut;
    }

    @Override
    String payload(HaloEvent event, EventFields fields, int severity) {
        String name = withinLength(fields.isString(NAME) && !fields.text(NAME).isEmpty() ? fields.text(NAME) : event.type(),
                SiemFields.CEF_NAME_LENGTH, NAME_KEY);
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
            if (field.cefLength() > 0) {
                value = withinLength(value, field.cefLength(), field.cef());
            }
            extension(out.append(' ').append(field.cef()).append('='), value);
            if (field.cefLabel() != null) {
                extension(out.append(' ').append(field.cef()).append("Label="), field.cefLabel());
            }
        }
        return out.toString();
    }

    /**
     * The value, or, when it is longer than {@code length}, its first {@code length - 1} characters
     * (one fewer where that would split a surrogate pair: the pair is dropped whole) and
     * {@link #CUT_MARK}. Characters are Java chars (UTF-16 code units), as ArcSight's Java connectors
     * count a String, so no count of characters finds a cut value too long. The cut is made on the
     * value before escaping, so no escape is split, and the length is what ArcSight stores once it
     * has read the escapes. {@code key} is counted as cut.
     */
    String withinLength(String value, int length, String key) {
        if (value.length() <= length) {
            return value;
        }
        int end = length - CUT_MARK.length();
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        valueCut.accept(key);
        return value.substring(0, end) + CUT_MARK;
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
