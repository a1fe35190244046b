package io.haloconnector.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses one CEF message as the spec allows and nothing more: seven header fields separated by
 * unescaped pipes, where only {@code \|} and {@code \\} are escapes; severity 0 to 10; then
 * {@code key=value} pairs separated by spaces, keys from CEF's dictionary, values where only
 * {@code \=}, {@code \\}, {@code \n} and {@code \r} are escapes and an unescaped {@code =} can only
 * start the next key. A raw line break anywhere, an unknown escape, an unknown or repeated key, a
 * value or Name longer than ArcSight's Extension Dictionary allows (in Java chars, once unescaped) is
 * an {@link IllegalArgumentException}. Values come back unescaped.
 */
public final class StrictCefParser {
    /** The keys of CEF's extension dictionary this parser knows (a part of it: what a Halo event could use). */
    static final Set<String> KEYS = Set.of("act", "app", "cat", "cnt", "dhost", "dmac", "dntdom", "dpid", "dport", "dproc",
            "dst", "duid", "duser", "dvc", "dvchost", "dvcpid", "end", "externalId", "fname", "fileHash", "filePath",
            "in", "msg", "out", "outcome", "proto", "reason", "request", "rt", "shost", "smac", "sntdom", "spt", "src",
            "start", "suid", "suser", "cs1", "cs1Label", "cs2", "cs2Label", "cs3", "cs3Label", "cs4", "cs4Label",
            "cs5", "cs5Label", "cs6", "cs6Label", "cn1", "cn1Label", "cn2", "cn2Label", "cn3", "cn3Label",
            "deviceExternalId", "deviceProcessName", "deviceDirection", "dtz", "flexString1", "flexString1Label");

    /**
     * ArcSight's Extension Dictionary's lengths for the string keys above, written out here from the
     * dictionary (HPE/Micro Focus "Implementing ArcSight CEF", Extension Dictionary), not taken from the code.
     */
    static final Map<String, Integer> LENGTHS = Map.ofEntries(Map.entry("act", 63), Map.entry("app", 31), Map.entry("cat", 1023),
            Map.entry("dhost", 1023), Map.entry("dntdom", 255), Map.entry("dproc", 1023), Map.entry("duid", 1023),
            Map.entry("duser", 1023), Map.entry("dvchost", 100), Map.entry("externalId", 40), Map.entry("fname", 1023),
            Map.entry("fileHash", 255), Map.entry("filePath", 1023), Map.entry("msg", 1023), Map.entry("outcome", 63),
            Map.entry("proto", 31), Map.entry("reason", 1023), Map.entry("request", 1023), Map.entry("shost", 1023),
            Map.entry("sntdom", 255), Map.entry("suid", 1023), Map.entry("suser", 1023), Map.entry("cs1", 4000),
            Map.entry("cs2", 4000), Map.entry("cs3", 4000), Map.entry("cs4", 4000), Map.entry("cs5", 4000), Map.entry("cs6", 4000),
            Map.entry("cs1Label", 1023), Map.entry("cs2Label", 1023), Map.entry("cs3Label", 1023), Map.entry("cs4Label", 1023),
            Map.entry("cs5Label", 1023), Map.entry("cs6Label", 1023), Map.entry("cn1Label", 1023), Map.entry("cn2Label", 1023),
            Map.entry("cn3Label", 1023), Map.entry("deviceExternalId", 255), Map.entry("deviceProcessName", 1023),
            Map.entry("dtz", 255), Map.entry("flexString1", 1023), Map.entry("flexString1Label", 128));
    /** The header's Name, 512 in the dictionary. */
    static final int NAME_LENGTH = 512;

    public record Cef(int version, String vendor, String product, String deviceVersion, String signatureId, String name,
               int severity, Map<String, String> extension) {
    }

    public static Cef parse(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a raw line break in a CEF message");
        }
        if (!text.startsWith("CEF:")) {
            throw new IllegalArgumentException("does not start with CEF:");
        }
        List<String> header = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 4;
        while (header.size() < 7) {
            if (i >= text.length()) {
                throw new IllegalArgumentException("a CEF header has 7 fields separated by |: found " + (header.size() + 1));
            }
            char c = text.charAt(i++);
            if (c == '\\') {
                if (i >= text.length() || (text.charAt(i) != '|' && text.charAt(i) != '\\')) {
                    throw new IllegalArgumentException("only \\| and \\\\ are escapes in a CEF header, at " + (i - 1));
                }
                field.append(text.charAt(i++));
            } else if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (!header.get(0).matches("[01]")) {
            throw new IllegalArgumentException("CEF version must be 0 or 1: " + header.get(0));
        }
        if (header.get(5).length() > NAME_LENGTH) {
            throw new IllegalArgumentException("the Name holds " + header.get(5).length() + " characters, more than " + NAME_LENGTH);
        }
        if (!header.get(6).matches("\\d|10")) {
            throw new IllegalArgumentException("CEF severity must be 0 to 10: " + header.get(6));
        }
        return new Cef(Integer.parseInt(header.get(0)), header.get(1), header.get(2), header.get(3), header.get(4),
                header.get(5), Integer.parseInt(header.get(6)), extension(text.substring(i)));
    }

    private static Map<String, String> extension(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                throw new IllegalArgumentException("extension text without key=: " + text.substring(i));
            }
            String key = text.substring(i, equals);
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("not a CEF extension key: '" + key + "'");
            }
            StringBuilder value = new StringBuilder();
            int j = equals + 1;
            int end = text.length();
            while (j < text.length()) {
                char c = text.charAt(j);
                if (c == '\\') {
                    if (j + 1 >= text.length()) {
                        throw new IllegalArgumentException("a lone backslash ends the value of " + key);
                    }
                    char next = text.charAt(j + 1);
                    switch (next) {
                        case '\\' -> value.append('\\');
                        case '=' -> value.append('=');
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        default -> throw new IllegalArgumentException("\\" + next + " is no escape in a CEF value (" + key + ")");
                    }
                    j += 2;
                } else if (c == '=') {
                    // the next key: the word after the last space; everything before it belongs to this value
                    int space = value.lastIndexOf(" ");
                    if (space < 0) {
                        throw new IllegalArgumentException("an unescaped = in the value of " + key);
                    }
                    int rawSpace = text.lastIndexOf(' ', j);
                    end = rawSpace;
                    value.setLength(space);
                    break;
                } else {
                    value.append(c);
                    j++;
                }
            }
            if (value.length() > LENGTHS.getOrDefault(key, Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("the value of " + key + " holds " + value.length() + " characters, more than "
                        + LENGTHS.get(key));
            }
            if (pairs.put(key, value.toString()) != null) {
                throw new IllegalArgumentException("the key " + key + " twice");
            }
            i = end == text.length() ? end : end + 1;
        }
        return pairs;
    }
}
