package io.haloconnector.halo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks JSON text byte by byte against the JSON grammar (RFC 8259: strings with their escapes
 * and UTF-8, numbers, literals, nesting) without building tokens or values, so a caller can walk
 * a document and turn into Java values only the few it needs. Our own code because Jackson's
 * tokeniser, which makes a token and a name for everything it passes, was most of the page
 * parse's CPU; this takes and refuses what Jackson does (JsonScannerTest) at about half of it.
 * <p>
 * The bytes come from a stream read in chunks or from an array. Only the bytes from the
 * {@link #mark} on are kept (the event being read), at most {@code keepLimit} of them: past that,
 * reading on throws {@link TooLarge}, so memory stays bounded whatever the stream holds. Offsets
 * given to callers are relative to the mark, because the kept bytes move when the buffer is refilled.
 */
final class JsonScanner {
    /** Bytes asked of the stream per read. */
    private static final int CHUNK = 64 * 1024;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** The bytes a string holds as they are: ASCII but control characters, the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int b = 0x20; b < 0x80; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
    }

    private final InputStream body; // null: all the bytes are in the array already
    private final String subject;
    private final int keepLimit;
    private final int maxDepth;
    /** The bytes held; [pos, end) not yet scanned. */
    private byte[] buf;
    private int pos;
    private int end;
    /** The first byte to keep, or -1. */
    private int mark = -1;
    /** Bytes dropped from the front of {@link #buf} so far: for the offsets in error messages. */
    private long dropped;
    /** Set when whitespace between tokens held a line break (reset by the caller). */
    boolean lineBreak;

    /**
     * {@code subject} names the document in error messages ("an events page"); containers deeper
     * than {@code maxDepth} levels (as counted by the caller) throw {@link TooDeep}.
     */
    JsonScanner(InputStream body, String subject, int keepLimit, int maxDepth) {
        this.body = body;
        this.subject = subject;
        this.keepLimit = keepLimit;
        this.maxDepth = maxDepth;
        this.buf = new byte[CHUNK];
    }

    /** Scans a document held whole in {@code json}. */
    JsonScanner(byte[] json, String subject, int maxDepth) {
        this.body = null;
        this.subject = subject;
        this.keepLimit = Integer.MAX_VALUE;
        this.maxDepth = maxDepth;
        this.buf = json;
        this.end = json.length;
    }

    /** Skips a UTF-8 byte order mark at the very start, as Jackson does. */
    void skipByteOrderMark() throws IOException {
        while (end - pos < 3 && fill()) {
            // a body may arrive a byte at a time
        }
        if (end - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
        }
    }

    /** Keeps the bytes from the one just scanned on (a document's opening brace, say). */
    void markPrevious() {
        mark = pos - 1;
    }

    void unmark() {
        mark = -1;
    }

    /** Where the scan is, relative to the mark. */
    int sinceMark() {
        return pos - mark;
    }

    /** The next byte that is not whitespace, consumed, or -1 at the end of the input. */
    int next() throws IOException {
        while (true) {
            if (pos >= end && !fill()) {
                return -1;
            }
            byte b = buf[pos++];
            if (b == ' ' || b == '\t') {
                continue;
            }
            if (b == '\n' || b == '\r') {
                lineBreak = true;
                continue;
            }
            return b & 0xff;
        }
    }

    /** Consumes the next byte that is not whitespace, which must be {@code expected}. */
    void expect(char expected, String what) throws IOException {
        int b = next();
        if (b != expected) {
            throw unexpected(b, what);
        }
    }

    /** Fails unless {@code b}, a byte {@link #next} returned, is {@code expected}. */
    void expectAt(int b, char expected, String what) {
        if (b != expected) {
            throw unexpected(b, what);
        }
    }

    /**
     * Scans a value whose first byte {@link #next} just returned; a container opened here is at
     * {@code level} (the caller's count). Throws {@link TooDeep} past the depth limit.
     */
    void skipValue(int first, int level) throws IOException {
        switch (first) {
            case '"' -> skipString();
            case '{' -> skipObject(level);
            case '[' -> skipArray(level);
            case 't' -> literal(TRUE);
            case 'f' -> literal(FALSE);
            case 'n' -> literal(NULL);
            default -> {
                if (first == '-' || (first >= '0' && first <= '9')) {
                    skipNumber();
                } else {
                    throw unexpected(first, "a value");
                }
            }
        }
    }

    /** After the opening brace of an object at {@code level}. */
    void skipObject(int level) throws IOException {
        if (level > maxDepth) {
            throw new TooDeep();
        }
        int b = next();
        if (b == '}') {
            return;
        }
        while (true) {
            if (b != '"') {
                throw unexpected(b, "a field name");
            }
            skipString();
            expect(':', "':' after a field name");
            skipValue(next(), level + 1);
            b = next();
            if (b == '}') {
                return;
            }
            if (b != ',') {
                throw unexpected(b, "',' or '}'");
            }
            b = next();
        }
    }

    /** After the opening bracket of an array at {@code level}. */
    void skipArray(int level) throws IOException {
        if (level > maxDepth) {
            throw new TooDeep();
        }
        int b = next();
        if (b == ']') {
            return;
        }
        while (true) {
            skipValue(b, level + 1);
            b = next();
            if (b == ']') {
                return;
            }
            if (b != ',') {
                throw unexpected(b, "',' or ']'");
            }
            b = next();
        }
    }

    /** After a string's opening quote, up to just past its closing one; true when the string holds an escape. */
    boolean skipString() throws IOException {
        boolean escapes = false;
        while (true) {
            byte[] bytes = buf;
            int at = pos;
            int stop = end;
            while (at < stop && PLAIN[bytes[at] & 0xff]) { // nearly every byte of an event: one look-up each
                at++;
            }
            if (at >= stop) {
                pos = at;
                if (!fill()) {
                    throw endsEarly();
                }
                continue;
            }
            byte b = bytes[at];
            pos = at + 1;
            if (b == '"') {
                return escapes;
            }
            if (b == '\\') {
                escape();
                escapes = true;
            } else if (b >= 0) {
                pos = at;
                throw invalid("a control character (" + b + ") in a string: it must be escaped");
            } else {
                pos = at;
                utf8Character();
            }
        }
    }

    /**
     * After a number's first byte (a digit or minus): scans the rest; true when it is a whole number
     * (no fraction, no exponent), as JSON writes it (no leading zeros, no plus sign).
     */
    boolean skipNumber() throws IOException {
        int b = buf[pos - 1];
        if (b == '-') {
            b = nextRaw();
        }
        if (b == '0') {
            if (isDigit(peekRaw())) {
                throw invalid("a number with a leading zero");
            }
        } else if (b >= '1' && b <= '9') {
            skipDigits();
        } else {
            throw invalid("a '-' without digits");
        }
        boolean whole = true;
        if (peekRaw() == '.') {
            pos++;
            if (!isDigit(nextRaw())) {
                throw invalid("a number without digits after its '.'");
            }
            skipDigits();
            whole = false;
        }
        int e = peekRaw();
        if (e == 'e' || e == 'E') {
            pos++;
            int sign = nextRaw();
            if (!isDigit(sign == '+' || sign == '-' ? nextRaw() : sign)) {
                throw invalid("a number without digits in its exponent");
            }
            skipDigits();
            whole = false;
        }
        return whole;
    }

    /** The text of [from, to), offsets relative to the mark, with its escapes decoded when {@code escapes}. */
    String text(int from, int to, boolean escapes) {
        int start = mark + from;
        if (!escapes) {
            return new String(buf, start, to - from, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder(to - from);
        int run = start;
        int stop = mark + to;
        for (int i = start; i < stop; i++) {
            if (buf[i] != '\\') {
                continue;
            }
            text.append(new String(buf, run, i - run, StandardCharsets.UTF_8));
            byte c = buf[++i];
            switch (c) {
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append((char) Integer.parseInt(new String(buf, i + 1, 4, StandardCharsets.US_ASCII), 16));
                    i += 4;
                }
                default -> text.append((char) c); // " \ /
            }
            run = i + 1;
        }
        return text.append(new String(buf, run, stop - run, StandardCharsets.UTF_8)).toString();
    }

    /** The bytes [from, to), offsets relative to the mark, as they were read. */
    byte[] bytes(int from, int to) {
        return Arrays.copyOfRange(buf, mark + from, mark + to);
    }

    /** Whether the bytes [from, to), offsets relative to the mark, are {@code ascii}. */
    boolean bytesEqual(int from, int to, byte[] ascii) {
        if (to - from != ascii.length) { // most names differ in length: no byte compared
            return false;
        }
        for (int i = 0, at = mark + from; i < ascii.length; i++, at++) {
            if (buf[at] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code String.hashCode()} of the bytes [from, to), offsets relative to the mark, read as ASCII. */
    int asciiHash(int from, int to) {
        int hash = 0;
        for (int at = mark + from, stop = mark + to; at < stop; at++) {
            hash = 31 * hash + buf[at];
        }
        return hash;
    }

    /**
     * From the mark (an opening brace or bracket) to just past its closing one, checking nothing but
     * strings and brackets (for a value too large or too deep to check), handing each run of its
     * bytes to {@code bytes} and keeping none; the mark is dropped. False when the input ends first.
     */
    boolean skipMarkedUnchecked(ByteRun bytes) throws IOException {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int from = mark;
        mark = -1;
        while (true) {
            int stop = -1;
            for (int i = from; i < end && stop < 0; i++) {
                byte b = buf[i];
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (b == '\\') {
                        escaped = true;
                    } else if (b == '"') {
                        inString = false;
                    }
                } else if (b == '"') {
                    inString = true;
                } else if (b == '{' || b == '[') {
                    depth++;
                } else if ((b == '}' || b == ']') && --depth == 0) {
                    stop = i + 1;
                }
            }
            bytes.take(buf, from, (stop < 0 ? end : stop) - from);
            if (stop >= 0) {
                pos = stop;
                return true;
            }
            pos = end;
            if (!fill()) {
                return false;
            }
            from = pos;
        }
    }

    /**
     * Reads more of the stream into the buffer, keeping the bytes from the mark on (or none). False
     * at the end of the stream. Throws {@link TooLarge} when the bytes kept would pass the limit.
     */
    private boolean fill() throws IOException {
        if (body == null) {
            return false;
        }
        int keepFrom = mark >= 0 ? mark : pos;
        if (mark >= 0 && end - mark > keepLimit) {
            throw new TooLarge();
        }
        if (keepFrom > 0) { // bytes move only when the buffer must be read into again
            System.arraycopy(buf, keepFrom, buf, 0, end - keepFrom);
            pos -= keepFrom;
            end -= keepFrom;
            mark = mark >= 0 ? mark - keepFrom : -1;
            dropped += keepFrom;
        }
        if (buf.length - end < CHUNK / 2) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, end + CHUNK));
        }
        while (true) {
            int n = body.read(buf, end, buf.length - end);
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                end += n;
                return true;
            }
        }
    }

    MalformedResponseException invalid(String what) {
        return new MalformedResponseException(subject + " is not valid JSON (truncated?): " + what
                + " at byte " + (dropped + pos));
    }

    MalformedResponseException endsEarly() {
        return invalid("it ends early");
    }

    private MalformedResponseException unexpected(int b, String expected) {
        if (b < 0) {
            return endsEarly();
        }
        pos--;
        String found = b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : "byte " + b;
        return invalid(found + " where " + expected + " should be");
    }

    private void escape() throws IOException {
        int c = nextRaw();
        switch (c) {
            case -1 -> throw endsEarly();
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
            }
            case 'u' -> {
                for (int i = 0; i < 4; i++) {
                    int h = nextRaw();
                    if (h < 0) {
                        throw endsEarly();
                    }
                    if (!isDigit(h) && !((h | 0x20) >= 'a' && (h | 0x20) <= 'f')) {
                        throw invalid("a \\u escape without four hex digits");
                    }
                }
            }
            default -> throw invalid("a bad escape in a string");
        }
    }

    /** At a byte above 127: one well-formed UTF-8 character of two to four bytes. */
    private void utf8Character() throws IOException {
        int lead = buf[pos++] & 0xff; // the caller saw it
        // the lead bytes Jackson takes (it lets the overlong C0 and C1 and F5 to F7 through): a page it read is read
        int more = lead >= 0xC0 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2 : lead >= 0xF0 && lead <= 0xF7 ? 3 : -1;
        if (more < 0) {
            pos--;
            throw invalid("a byte that cannot start a UTF-8 character");
        }
        for (int i = 0; i < more; i++) {
            int c = nextRaw();
            if (c < 0) {
                throw endsEarly();
            }
            if ((c & 0xC0) != 0x80) {
                pos--;
                throw invalid("a UTF-8 character cut short");
            }
        }
    }

    private void literal(byte[] word) throws IOException {
        for (int i = 1; i < word.length; i++) {
            int c = nextRaw();
            if (c < 0) {
                throw endsEarly();
            }
            if (c != word[i]) {
                pos--;
                throw invalid("a misspelt " + new String(word, StandardCharsets.US_ASCII));
            }
        }
    }

    private void skipDigits() throws IOException {
        while (isDigit(peekRaw())) {
            pos++;
        }
    }

    /** The next byte, whitespace or not, consumed; -1 at the end. */
    private int nextRaw() throws IOException {
        if (pos >= end && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** The next byte, not consumed; -1 at the end. */
    private int peekRaw() throws IOException {
        if (pos >= end && !fill()) {
            return -1;
        }
        return buf[pos] & 0xff;
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    /** The bytes kept from the mark would pass the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("larger than the limit", null, false, false);
        }
    }

    /** Receives a run of bytes, valid only during the call. */
    interface ByteRun {
        void take(byte[] bytes, int from, int length);
    }

    /** A container nested deeper than the limit. */
    static final class TooDeep extends RuntimeException {
        TooDeep() {
            super("nested deeper than the limit", null, false, false);
        }
    }
}
