package io.haloconnector.halo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A few top-level fields of one event, read from its bytes by one scan that makes a value only
 * for the fields asked for: an output that writes some fields of each event (syslog's CEF and
 * LEEF) needs no JSON tree, whose building was about half of that output's format step.
 */
public final class EventFields {
    private final Map<String, Value> values;

    private EventFields(Map<String, Value> values) {
        this.values = values;
    }

    /** Prepares a reader of the {@code names} fields, once; it reads any number of events. */
    public static Reader reader(Collection<String> names) {
        return new Reader(List.copyOf(names));
    }

    /**
     * The field's value as text: a string's content (escapes decoded), any other value as its JSON
     * text as the event holds it ({@code 9.0}, {@code true}, {@code {"a":1}}); null when the event has
     * no such field or it holds null.
     */
    public String text(String name) {
        Value value = values.get(name);
        return value == null ? null : value.text;
    }

    /** Whether the field holds a JSON string. */
    public boolean isString(String name) {
        Value value = values.get(name);
        return value != null && value.string;
    }

    /**
     * Whether the field says yes, as Jackson's {@code asBoolean()} reads a value: {@code true}, the
     * string {@code "true"}, or a whole number other than 0.
     */
    public boolean isTrue(String name) {
        Value value = values.get(name);
        if (value == null) {
            return false;
        }
        if (value.string) {
            return value.text.trim().equals("true");
        }
        return value.text.equals("true") || isNonZeroWholeNumber(value.text);
    }

    private static boolean isNonZeroWholeNumber(String number) {
        int start = number.startsWith("-") ? 1 : 0;
        boolean nonZero = false;
        for (int i = start; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return false; // a fraction or an exponent: not a whole number as JSON writes one
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    private record Value(String text, boolean string) {
    }

    /** Reads the same fields of each event it is given; thread-safe. */
    public static final class Reader {
        private final List<String> names;
        private final byte[][] encoded;
        // the names' hash codes: a field name is compared byte by byte only with a name of its hash
        private final int[] hashes;

        private Reader(List<String> names) {
            this.names = names;
            this.encoded = names.stream().map(name -> name.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
            this.hashes = names.stream().mapToInt(String::hashCode).toArray();
        }

        public EventFields read(HaloEvent event) {
            // the event passed the page's checks, so the scan cannot fail on it nor nest deeper than it did
            JsonScanner json = new JsonScanner(event.json(), "an event", Integer.MAX_VALUE);
            Map<String, Value> values = new HashMap<>();
            try {
                json.next(); // the opening brace
                json.markPrevious();
                int b = json.next();
                while (b != '}') {
                    json.expectAt(b, '"', "a field name");
                    int nameFrom = json.sinceMark();
                    boolean escapes = json.skipString();
                    int nameTo = json.sinceMark() - 1;
                    json.expect(':', "':' after a field name");
                    int wanted = wanted(json, nameFrom, nameTo, escapes);
                    b = json.next();
                    int valueFrom = json.sinceMark() - 1;
                    if (b == '"') {
                        boolean valueEscapes = json.skipString();
                        if (wanted >= 0) {
                            values.put(names.get(wanted), new Value(json.text(valueFrom + 1, json.sinceMark() - 1, valueEscapes), true));
                        }
                    } else {
                        json.skipValue(b, 2);
                        if (wanted >= 0) {
                            String text = json.text(valueFrom, json.sinceMark(), false);
                            if (text.equals("null")) {
                                values.remove(names.get(wanted));
                            } else {
                                values.put(names.get(wanted), new Value(text, false));
                            }
                        }
                    }
                    b = json.next();
                    if (b == ',') {
                        b = json.next();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // an array has no I/O
            }
            return new EventFields(values);
        }

        /** Which of the names the field name at [from, to) is, or -1. */
        private int wanted(JsonScanner json, int from, int to, boolean escapes) {
            if (escapes) {
                return names.indexOf(json.text(from, to, true));
            }
            int hash = json.asciiHash(from, to); // String.hashCode of an ASCII name; any other name matches none
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] == hash && json.bytesEqual(from, to, encoded[i])) {
                    return i;
                }
            }
            return -1;
        }
    }
}
