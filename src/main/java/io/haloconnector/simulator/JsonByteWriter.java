package io.haloconnector.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes compact JSON straight to UTF-8 bytes: the simulator pre-serializes each event once so that
 * serving a page is a byte copy, and this avoids a Jackson tree per event.
 */
final class JsonByteWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buffer;
    private int length;
    private boolean needsComma;

    JsonByteWriter(int initialCapacity) {
        this.buffer = new byte[initialCapacity];
    }

    void reset() {
        length = 0;
        needsComma = false;
    }

    byte[] toBytes() {
        return Arrays.copyOf(buffer, length);
    }

    int length() {
        return length;
    }

    void copyTo(byte[] target, int at) {
        System.arraycopy(buffer, 0, target, at, length);
    }

    JsonByteWriter beginObject() {
        separate();
        put((byte) '{');
        needsComma = false;
        return this;
    }

    JsonByteWriter endObject() {
        put((byte) '}');
        needsComma = true;
        return this;
    }

    JsonByteWriter beginArray() {
        separate();
        put((byte) '[');
        needsComma = false;
        return this;
    }

    JsonByteWriter endArray() {
        put((byte) ']');
        needsComma = true;
        return this;
    }

    /** Writes {@code "name":}; the value call that follows must not add a comma. */
    JsonByteWriter name(String name) {
        separate();
        string(name);
        put((byte) ':');
        needsComma = false;
        return this;
    }

    JsonByteWriter field(String name, String value) {
        name(name);
        if (value == null) {
            ascii("null");
        } else {
            string(value);
        }
        needsComma = true;
        return this;
    }

    JsonByteWriter field(String name, boolean value) {
        name(name);
        ascii(value ? "true" : "false");
        needsComma = true;
        return this;
    }

    JsonByteWriter field(String name, double value) {
        name(name);
        ascii(Double.toString(value));
        needsComma = true;
        return this;
    }

    /** A field whose value is 32 lowercase hex digits made of two longs. */
    JsonByteWriter hexField(String name, long high, long low) {
        name(name);
        ensure(34);
        buffer[length++] = '"';
        putHex(high);
        putHex(low);
        buffer[length++] = '"';
        needsComma = true;
        return this;
    }

    /** A value already serialized as JSON (a pre-built fragment). */
    JsonByteWriter rawValue(byte[] json) {
        separate();
        ensure(json.length);
        System.arraycopy(json, 0, buffer, length, json.length);
        length += json.length;
        needsComma = true;
        return this;
    }

    static String hex(long high, long low) {
        JsonByteWriter writer = new JsonByteWriter(32);
        writer.putHex(high);
        writer.putHex(low);
        return new String(writer.buffer, 0, 32, StandardCharsets.US_ASCII);
    }

    private void putHex(long value) {
        ensure(16);
        for (int shift = 60; shift >= 0; shift -= 4) {
            buffer[length++] = HEX[(int) (value >>> shift) & 0xF];
        }
    }

    private void separate() {
        if (needsComma) {
            put((byte) ',');
        }
    }

    private void ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[length++] = (byte) text.charAt(i);
        }
    }

    private void string(String value) {
        // worst case: every char becomes \\u00XX (6 bytes) or 3 UTF-8 bytes
        ensure(value.length() * 6 + 2);
        buffer[length++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                buffer[length++] = '\\';
                buffer[length++] = (byte) c;
            } else if (c < 0x20) {
                escapeControl(c);
            } else if (c < 0x80) {
                buffer[length++] = (byte) c;
            } else if (c < 0x800) {
                buffer[length++] = (byte) (0xC0 | (c >> 6));
                buffer[length++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                buffer[length++] = (byte) (0xF0 | (codePoint >> 18));
                buffer[length++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                buffer[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                buffer[length++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                buffer[length++] = (byte) (0xE0 | (c >> 12));
                buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[length++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        buffer[length++] = '"';
    }

    private void escapeControl(char c) {
        buffer[length++] = '\\';
        switch (c) {
            case '\n' -> buffer[length++] = 'n';
            case '\r' -> buffer[length++] = 'r';
            case '\t' -> buffer[length++] = 't';
            default -> {
                buffer[length++] = 'u';
                buffer[length++] = '0';
                buffer[length++] = '0';
                buffer[length++] = HEX[c >> 4];
                buffer[length++] = HEX[c & 0xF];
            }
        }
    }

    private void put(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(int extra) {
        if (length + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
        }
    }
}
