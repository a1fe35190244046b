package io.haloconnector.splunkapp;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately simple reading of the field names an SPL search uses. Halo's field names are
 * snake_case ({@code server_group_name}), SPL's own words are not, so every snake_case word of a
 * search is taken for a field, except quoted text, dashboard tokens ({@code $name|s$}), macros
 * ({@code `cp_halo`}), values
 * ({@code sourcetype=cp_halo}) and names the search makes itself ({@code count AS events}).
 * Halo fields without an underscore ({@code name}, {@code type}, ...) are added when they appear.
 */
public final class SplFields {

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern TOKEN = Pattern.compile("\\$[^$\\s]+\\$");
    private static final Pattern MACRO = Pattern.compile("`[^`]*`");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\{}\\.?[A-Za-z0-9_]*)*");
    private static final Pattern DEFINED = Pattern.compile("(?i)\\b(?:as|fieldname)\\s*=?\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> PLAIN_HALO_FIELDS = Set.of("id", "type", "name", "critical", "message", "cves");

    private SplFields() {
    }

    /** The field names {@code spl} reads, in order of first use. */
    public static Set<String> referencedIn(String spl) {
        return referencedIn(spl, Set.of());
    }

    /** The same, also counting the words in {@code knownFields} (names props.conf makes) as fields. */
    public static Set<String> referencedIn(String spl, Set<String> knownFields) {
        String text = TOKEN.matcher(spl).replaceAll(" ");
        text = MACRO.matcher(text).replaceAll(" ");
        text = QUOTED.matcher(text).replaceAll(" ");
        // 'field name' is eval's quoting of a field: keep the name, drop the quotes
        text = text.replace('\'', ' ');
        Set<String> defined = new LinkedHashSet<>();
        Matcher definitions = DEFINED.matcher(text);
        while (definitions.find()) {
            defined.add(definitions.group(1));
        }
        Set<String> fields = new LinkedHashSet<>();
        Matcher words = WORD.matcher(text);
        while (words.find()) {
            String word = words.group();
            boolean isValue = words.start() > 0 && text.charAt(words.start() - 1) == '=';
            if (isValue || defined.contains(word) || word.startsWith("_")) {
                continue;
            }
            if (word.contains("_") || word.contains("{}") || PLAIN_HALO_FIELDS.contains(word)
                    || knownFields.contains(word)) {
                fields.add(word);
            }
        }
        return fields;
    }
}
