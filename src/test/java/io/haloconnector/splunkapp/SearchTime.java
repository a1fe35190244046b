package io.haloconnector.splunkapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Splunk makes of a Halo event at search time with this app's configuration, in Splunk's
 * order: the JSON fields (KV_MODE = json), then the FIELDALIASes, then the EVALs (each from the
 * fields before any EVAL), then the automatic LOOKUP, then the event types whose searches match,
 * then those event types' tags. Read from the app's own files with {@link SplunkConf}; forms this
 * test cannot evaluate are refused rather than guessed.
 */
public final class SearchTime {

    /** The index and sourcetype halo-connector sends with every event (hec.index, hec.sourcetype). */
    static final Map<String, List<String>> METADATA = Map.of("index", List.of("cloudpassage"), "sourcetype", List.of("cp_halo"));

    private static final Pattern ALIAS = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)");
    private static final Pattern LOOKUP = Pattern.compile("(\\w+)\\s+(\\w+)\\s+OUTPUT\\s+(\\w+(?:\\s+\\w+)*)");
    private static final Pattern MACRO = Pattern.compile("`(\\w+)`");
    private static final Pattern TERM = Pattern.compile(
            "\\s*(\\w+)(?:=(\"[^\"]*\"|[^\\s\"()]+)|\\s+IN\\s+\\(([^)]*)\\))");

    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, SplEval.Expression> evals = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> lookupRows = new LinkedHashMap<>();
    private final List<String> lookupOutputs = new ArrayList<>();
    private String lookupInput;
    private final Map<String, String> eventtypeSearches = new LinkedHashMap<>();
    private final Map<String, Set<String>> tagsByEventtype = new LinkedHashMap<>();

    /** The fields, event types and tags of one event. */
    public record Event(Map<String, List<String>> fields, Set<String> eventtypes, Set<String> tags) {

        /** The one value of a field, or null; fails on a multivalue field. */
        public String value(String field) {
            List<String> values = fields.getOrDefault(field, List.of());
            if (values.size() > 1) {
                throw new IllegalArgumentException(field + " has several values: " + values);
            }
            return values.isEmpty() ? null : values.get(0);
        }

        public List<String> values(String field) {
            return fields.getOrDefault(field, List.of());
        }
    }

    private SearchTime() {
    }

    /** The app's props.conf [cp_halo], transforms.conf, lookups, macros, event types and tags. */
    public static SearchTime load() throws IOException {
        SearchTime searchTime = new SearchTime();
        Map<String, String> props = SplunkApp.conf("default/props.conf").stanza("cp_halo");
        for (Map.Entry<String, String> setting : props.entrySet()) {
            String key = setting.getKey();
            if (key.startsWith("FIELDALIAS-")) {
                Matcher pairs = ALIAS.matcher(setting.getValue());
                while (pairs.find()) {
                    searchTime.aliases.put(pairs.group(2), pairs.group(1));
                }
            } else if (key.startsWith("EVAL-")) {
                searchTime.evals.put(key.substring("EVAL-".length()), SplEval.parse(setting.getValue()));
            } else if (key.startsWith("LOOKUP-")) {
                searchTime.readLookup(setting.getValue());
            } else if (key.startsWith("EXTRACT-") || key.startsWith("REPORT-")) {
                throw new IllegalArgumentException(key + " is not covered by this test's search time");
            }
        }
        Map<String, String> macros = new LinkedHashMap<>();
        SplunkApp.conf("default/macros.conf").stanzas().forEach((name, settings) -> macros.put(name, settings.get("definition")));
        SplunkApp.conf("default/eventtypes.conf").stanzas()
                .forEach((name, settings) -> searchTime.eventtypeSearches.put(name, expandMacros(settings.get("search"), macros)));
        SplunkApp.conf("default/tags.conf").stanzas().forEach((stanza, settings) -> {
            if (!stanza.startsWith("eventtype=")) {
                throw new IllegalArgumentException("tags.conf: only eventtype= stanzas are covered: " + stanza);
            }
            Set<String> tags = new TreeSet<>();
            settings.forEach((tag, state) -> {
                if (state.equals("enabled")) {
                    tags.add(tag);
                }
            });
            searchTime.tagsByEventtype.put(stanza.substring("eventtype=".length()), tags);
        });
        return searchTime;
    }

    /** The event types of the app, with their searches after macro expansion. */
    public Map<String, String> eventtypeSearches() {
        return eventtypeSearches;
    }

    public Map<String, Set<String>> tagsByEventtype() {
        return tagsByEventtype;
    }

    /** The fields the configuration makes: alias targets, EVAL names, lookup outputs. */
    public Set<String> derivedFields() {
        Set<String> derived = new TreeSet<>(aliases.keySet());
        derived.addAll(evals.keySet());
        derived.addAll(lookupOutputs);
        return derived;
    }

    /** The event types the lookup has a row for. */
    public Set<String> lookupKeys() {
        return lookupRows.keySet();
    }

    public Event apply(ObjectNode json) {
        Map<String, List<String>> fields = new LinkedHashMap<>(METADATA);
        flatten("", json, fields);
        Map<String, List<String>> extracted = Map.copyOf(fields);
        aliases.forEach((alias, source) -> {
            if (extracted.containsKey(source)) {
                fields.put(alias, extracted.get(source));
            }
        });
        Map<String, List<String>> beforeEvals = Map.copyOf(fields);
        evals.forEach((name, expression) -> {
            List<String> values = SplEval.values(expression.eval(beforeEvals));
            if (values.isEmpty()) {
                fields.remove(name);
            } else {
                fields.put(name, values);
            }
        });
        List<String> key = fields.get(lookupInput);
        if (key != null && key.size() == 1 && lookupRows.containsKey(key.get(0))) {
            lookupRows.get(key.get(0)).forEach((field, value) -> {
                if (lookupOutputs.contains(field) && !value.isEmpty()) {
                    fields.put(field, List.of(value));
                }
            });
        }
        Set<String> eventtypes = new TreeSet<>();
        eventtypeSearches.forEach((name, search) -> {
            if (matches(search, fields)) {
                eventtypes.add(name);
            }
        });
        Set<String> tags = new TreeSet<>();
        for (String eventtype : eventtypes) {
            tags.addAll(tagsByEventtype.getOrDefault(eventtype, Set.of()));
        }
        return new Event(fields, eventtypes, tags);
    }

    /** Whether an event type's search, after macro expansion, matches: field=value and field IN (...) terms, all of them. */
    static boolean matches(String search, Map<String, List<String>> fields) {
        Matcher term = TERM.matcher(search);
        int end = 0;
        boolean all = true;
        while (term.lookingAt()) {
            List<String> wanted = new ArrayList<>();
            if (term.group(2) != null) {
                wanted.add(unquote(term.group(2)));
            } else {
                for (String value : term.group(3).split(",")) {
                    wanted.add(unquote(value.strip()));
                }
            }
            for (String value : wanted) {
                if (value.contains("*")) {
                    throw new IllegalArgumentException("wildcards are not covered by this test's search: " + search);
                }
            }
            List<String> values = fields.getOrDefault(term.group(1), List.of());
            // Splunk compares field values in a search without regard to case
            all &= values.stream().anyMatch(v -> wanted.stream().anyMatch(w -> w.toLowerCase(Locale.ROOT).equals(v.toLowerCase(Locale.ROOT))));
            end = term.end();
            term.region(end, search.length());
        }
        if (!search.substring(end).isBlank()) {
            throw new IllegalArgumentException("not a field=value or field IN (...) term: '" + search.substring(end).strip() + "' in " + search);
        }
        return all;
    }

    static String expandMacros(String search, Map<String, String> macros) {
        String expanded = search;
        for (int depth = 0; depth < 10 && expanded.contains("`"); depth++) {
            Matcher macro = MACRO.matcher(expanded);
            StringBuilder out = new StringBuilder();
            while (macro.find()) {
                String definition = macros.get(macro.group(1));
                if (definition == null) {
                    throw new IllegalArgumentException("macro `" + macro.group(1) + "` is not in macros.conf");
                }
                macro.appendReplacement(out, Matcher.quoteReplacement(definition));
            }
            macro.appendTail(out);
            expanded = out.toString();
        }
        return expanded;
    }

    private void readLookup(String setting) {
        Matcher lookup = LOOKUP.matcher(setting);
        if (!lookup.matches() || lookupInput != null) {
            throw new IllegalArgumentException("only one LOOKUP of the form '<lookup> <field> OUTPUT <fields>' is covered: " + setting);
        }
        try {
            String file = SplunkApp.conf("default/transforms.conf").stanza(lookup.group(1)).get("filename");
            List<String> lines = Files.readAllLines(SplunkApp.ROOT.resolve("lookups").resolve(file), StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split(",", -1));
            for (String line : lines.subList(1, lines.size())) {
                if (line.contains("\"")) {
                    throw new IllegalArgumentException(file + ": quoted CSV values are not covered: " + line);
                }
                String[] cells = line.split(",", -1);
                if (cells.length != header.size()) {
                    throw new IllegalArgumentException(file + ": " + cells.length + " cells where the header has " + header.size() + ": " + line);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < cells.length; i++) {
                    row.put(header.get(i), cells[i]);
                }
                if (lookupRows.put(row.get(lookup.group(2)), row) != null) {
                    throw new IllegalArgumentException(file + ": two rows for " + row.get(lookup.group(2)));
                }
            }
            lookupInput = lookup.group(2);
            lookupOutputs.addAll(List.of(lookup.group(3).split("\\s+")));
            if (!header.containsAll(lookupOutputs) || !header.contains(lookupInput)) {
                throw new IllegalArgumentException(file + " lacks a column of " + setting);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("lookup of " + setting + " unreadable", e);
        }
    }

    /** Splunk's names for JSON fields: a.b for objects, a{} for arrays, a{}.b for objects in arrays. */
    private static void flatten(String prefix, JsonNode node, Map<String, List<String>> fields) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name + ".", value, fields);
            } else if (value.isArray()) {
                for (JsonNode element : value) {
                    if (element.isObject()) {
                        for (Iterator<Map.Entry<String, JsonNode>> inner = element.fields(); inner.hasNext(); ) {
                            Map.Entry<String, JsonNode> member = inner.next();
                            if (member.getValue().isValueNode() && !member.getValue().isNull()) {
                                add(fields, name + "{}." + member.getKey(), member.getValue().asText());
                            }
                        }
                    } else if (!element.isNull()) {
                        add(fields, name + "{}", element.asText());
                    }
                }
            } else if (!value.isNull()) {
                add(fields, name, value.asText());
            }
        }
    }

    private static void add(Map<String, List<String>> fields, String name, String value) {
        List<String> values = new ArrayList<>(fields.getOrDefault(name, List.of()));
        values.add(value);
        fields.put(name, List.copyOf(values));
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    /** For messages: the distinct values of a field over events. */
    static Set<String> distinct(List<Event> events, String field) {
        Set<String> values = new LinkedHashSet<>();
        events.forEach(event -> values.addAll(event.values(field)));
        return values;
    }
}
