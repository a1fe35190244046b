package io.haloconnector.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * {@link ConnectorProperty} is where a property is declared; application.properties (the template
 * and the jar's defaults) and the properties table of docs/configuration.md must say the same, and the code must read
 * nothing the table lacks.
 */
class ConnectorPropertyTest {
    private static final Path APPLICATION_PROPERTIES = Path.of("application.properties");
    private static final Path TABLE = Path.of("docs", "configuration.md");
    private static final String TABLE_HEADER = "| property | meaning | values | default | secret |";
    /** The groups the table declares (halo, hec, kafka, ...): each one's keys are checked. */
    private static final String PREFIXES = Arrays.stream(ConnectorProperty.values())
            .map(p -> p.property().substring(0, p.property().indexOf('.'))).distinct().collect(Collectors.joining("|"));
    private static final Pattern PROPERTY_NAME = Pattern.compile("(?:" + PREFIXES + ")\\.[A-Za-z.]+");

    @Test
    void applicationPropertiesListsEveryPropertyWithTheTablesDefault() throws IOException {
        Map<String, String> file = appKeys(APPLICATION_PROPERTIES);
        Map<String, String> expected = new LinkedHashMap<>();
        for (ConnectorProperty p : ConnectorProperty.values()) {
            expected.put(p.property(), p.defaultValue().orElse(""));
        }
        assertThat(file).as("the table's groups' keys (halo.*, hec.*, ...) of application.properties, with their values")
                .containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void secretsAreBlankInApplicationProperties() throws IOException {
        Map<String, String> file = appKeys(APPLICATION_PROPERTIES);
        for (ConnectorProperty p : ConnectorProperty.values()) {
            if (p.secret()) {
                assertThat(file.get(p.property())).as(p.property() + " is a secret: give it through the environment").isEmpty();
            }
        }
    }

    @Test
    void theDocumentedTableShowsEveryPropertyAsTheCodeDeclaresIt() throws IOException {
        List<String> lines = Files.readAllLines(TABLE);
        int header = lines.indexOf(TABLE_HEADER);
        assertThat(header).as(TABLE + " has the properties table headed " + TABLE_HEADER).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            rows.add(cells(lines.get(i)));
        }
        List<List<String>> expected = Arrays.stream(ConnectorProperty.values()).map(ConnectorPropertyTest::tableRow).toList();
        assertThat(rows).as(TABLE + "'s properties table; as ConnectorProperty declares it, it reads:\n"
                        + expected.stream().map(r -> "| " + String.join(" | ", r) + " |").collect(Collectors.joining("\n")))
                .containsExactlyElementsOf(expected);

        long propertyRowsElsewhere = lines.stream().filter(line -> line.matches("\\| `(" + PREFIXES + ")\\..*")).count() - rows.size();
        assertThat(propertyRowsElsewhere).as("rows naming a property outside the properties table of " + TABLE).isZero();
    }

    @Test
    void everyDefaultIsAValueTheSettingsAccept() {
        for (ConnectorProperty p : ConnectorProperty.values()) {
            Optional<String> value = p.defaultValue();
            if (value.isEmpty()) {
                continue;
            }
            PropertyLookup props = name -> name.equals(p.property()) ? value : Optional.empty();
            Optional<AllowedValues> allowed = p.allowed();
            assertThatCode(() -> {
                if (allowed.isEmpty() || allowed.get() instanceof AllowedValues.Described) {
                    props.getOrDefault(p);
                } else if (allowed.get() instanceof AllowedValues.WholeNumbers) {
                    props.getInt(p);
                } else if (allowed.get() instanceof AllowedValues.Durations) {
                    props.getDuration(p);
                } else if (allowed.get() instanceof AllowedValues.TrueOrFalse) {
                    props.getBoolean(p);
                } else if (allowed.get() instanceof AllowedValues.OneOf oneOf) {
                    assertThat(oneOf.values()).contains(value.get());
                }
            }).as(p.property() + "=" + value.get()).doesNotThrowAnyException();
        }
    }

    @Test
    void everyPropertyTheCodeAndRoutesReadIsInTheTable() throws IOException {
        Set<String> read = new TreeSet<>();
        Pattern javaRead = Pattern.compile("\\.(?:get|getInt|getBoolean|getDuration|getOrDefault|require|put)\\(\\s*\"("
                + PROPERTY_NAME + ")\"");
        Pattern placeholder = Pattern.compile("\\{\\{\\??(" + PROPERTY_NAME + ")");
        read.addAll(matches(Path.of("src/main/java"), ".java", javaRead));
        read.addAll(matches(Path.of("routes"), ".yaml", placeholder));
        assertThat(read).as("read by src/main/java and routes/").isNotEmpty();
        Set<String> table = Arrays.stream(ConnectorProperty.values()).map(ConnectorProperty::property).collect(Collectors.toSet());
        assertThat(table).as("ConnectorProperty").containsAll(read);
    }

    private static List<String> tableRow(ConnectorProperty p) {
        return List.of("`" + p.property() + "`",
                p.description(),
                p.allowed().map(AllowedValues::describe).orElse(""),
                p.documentedDefault(),
                p.secret() ? "yes" : "");
    }

    private static List<String> cells(String row) {
        String inner = row.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static Map<String, String> appKeys(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.matches("(" + PREFIXES + ")\\..*")) {
                keys.put(name, properties.getProperty(name).trim());
            }
        }
        return keys;
    }

    private static Set<String> matches(Path root, String suffix, Pattern pattern) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                Matcher m = pattern.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
