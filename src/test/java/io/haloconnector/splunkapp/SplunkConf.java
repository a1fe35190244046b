package io.haloconnector.splunkapp;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Splunk {@code .conf} file, read more strictly than Splunk reads it: {@code [stanza]} headers,
 * {@code key = value} settings, whole-line {@code #} comments and backslash continuation lines.
 * Anything Splunk would silently accept but probably misread is an error: a setting before the
 * first stanza, a repeated stanza or key, a line that is none of the above, and a value holding
 * {@code " #"} (Splunk has no trailing comments, so that text would become part of the value).
 */
public final class SplunkConf {

    private static final Pattern STANZA = Pattern.compile("\\[(.*)]");
    private static final Pattern SETTING = Pattern.compile("([A-Za-z0-9_.:-]+)\\s*=(.*)");

    private final Map<String, Map<String, String>> stanzas;

    private SplunkConf(Map<String, Map<String, String>> stanzas) {
        this.stanzas = stanzas;
    }

    /** Reads a file, which must be UTF-8. */
    public static SplunkConf read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(text, file.toString());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8", e);
        }
    }

    /** Parses {@code text}; {@code source} names it in error messages. */
    public static SplunkConf parse(String text, String source) {
        if (text.startsWith("\uFEFF")) {
            throw new IllegalArgumentException(source + ": starts with a byte order mark");
        }
        Map<String, Map<String, String>> stanzas = new LinkedHashMap<>();
        Map<String, String> current = null;
        String currentName = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher stanza = STANZA.matcher(trimmed);
            if (stanza.matches()) {
                currentName = stanza.group(1);
                if (stanzas.containsKey(currentName)) {
                    throw error(source, lineNumber, "stanza [" + currentName + "] appears twice");
                }
                current = new LinkedHashMap<>();
                stanzas.put(currentName, current);
                continue;
            }
            Matcher setting = SETTING.matcher(trimmed);
            if (!setting.matches()) {
                throw error(source, lineNumber, "neither a stanza, a setting nor a comment: " + trimmed);
            }
            if (current == null) {
                throw error(source, lineNumber, "setting before the first stanza: " + trimmed);
            }
            StringBuilder value = new StringBuilder(setting.group(2));
            // a trailing backslash continues the value on the next line; Splunk keeps the line break
            while (value.length() > 0 && value.charAt(value.length() - 1) == '\\') {
                if (i + 1 >= lines.length) {
                    throw error(source, lineNumber, "continuation backslash on the last line");
                }
                value.setLength(value.length() - 1);
                value.append('\n').append(lines[++i]);
            }
            String key = setting.group(1);
            String finalValue = value.toString().strip();
            if (finalValue.matches("(?s).*\\s#.*")) {
                throw error(source, lineNumber, key + ": the value holds ' #', a trailing comment Splunk would keep");
            }
            if (current.put(key, finalValue) != null) {
                throw error(source, lineNumber, key + " appears twice in [" + currentName + "]");
            }
        }
        return new SplunkConf(stanzas);
    }

    /** Stanza names to their settings, in file order. */
    public Map<String, Map<String, String>> stanzas() {
        return Collections.unmodifiableMap(stanzas);
    }

    /** The settings of one stanza; fails if it is missing. */
    public Map<String, String> stanza(String name) {
        Map<String, String> settings = stanzas.get(name);
        if (settings == null) {
            throw new IllegalArgumentException("no stanza [" + name + "]; there are " + stanzas.keySet());
        }
        return Collections.unmodifiableMap(settings);
    }

    private static IllegalArgumentException error(String source, int line, String message) {
        return new IllegalArgumentException(source + ":" + line + ": " + message);
    }
}
