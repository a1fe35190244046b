package io.haloconnector.config;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.properties.DefaultPropertiesParser;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes' {@code {{halo.*}}} placeholders take the table's default when the user gave none or a
 * blank one, and the user's value wherever it was given: a file, the initial properties a host sets,
 * a system property, the environment, or the host's own lookup (Spring Boot's environment).
 */
class ConnectorPropertyDefaultsTest {
    @TempDir
    Path work;

    @Test
    void aRouteReadsTheTablesDefaultWhenNoPlaceHoldsTheProperty() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ConnectorPropertyDefaults.addTo(context);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:settings").setBody(constant("{{halo.retry.maxAttempts}} {{halo.output}} {{halo.poll.cron}}"));
                }
            });
            context.start();

            assertThat(context.createProducerTemplate().requestBody("direct:settings", "", String.class))
                    .isEqualTo("8 stdout 0 * * * * ?");
        }
    }

    @Test
    void aBlankValueInTheUsersFileMeansTheDefaultAndAGivenOneIsTheUsers() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), String.join("\n",
                "halo.retry.maxAttempts =", "halo.output = file", ""));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file);
            ConnectorPropertyDefaults.addTo(context);

            assertThat(context.resolvePropertyPlaceholders("{{halo.retry.maxAttempts}}/{{halo.output}}")).isEqualTo("8/file");
            assertThat(context.getPropertiesComponent().getResolvedValue("halo.output").orElseThrow().source())
                    .isEqualTo("file:" + file);
            assertThat(SettingSources.lines(context, "classpath:none.properties"))
                    .containsExactly("    [" + file + "] halo.output = file");
        }
    }

    @Test
    void aHostsInitialPropertiesWinOverTheDefaultsUnlessBlank() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties initial = new Properties();
            initial.put("halo.perPage", "20");
            initial.put("halo.poll.lag", " ");
            context.getPropertiesComponent().setInitialProperties(initial);
            ConnectorPropertyDefaults.addTo(context);

            assertThat(context.resolvePropertyPlaceholders("{{halo.perPage}}/{{halo.poll.lag}}")).isEqualTo("20/10s");
        }
    }

    @Test
    void aSpringBootStyleLookupOfTheHostWinsOverTheDefaults() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // Spring Boot's parser answers from its environment after every properties source
            ((PropertiesComponent) context.getPropertiesComponent()).setPropertiesParser(new DefaultPropertiesParser() {
                @Override
                public String customLookup(String key) {
                    return "halo.output".equals(key) ? "kafka" : null;
                }
            });
            ConnectorPropertyDefaults.addTo(context);

            assertThat(context.resolvePropertyPlaceholders("{{halo.output}}/{{kafka.topic}}")).isEqualTo("kafka/halo-events");
        }
    }

    @Test
    void theEnvironmentRanksAboveTheUsersFileAndTheDefaults() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), "halo.retry.maxAttempts = 5\n");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PlaceholdersOfAChildJvm.class.getName(), file.toString(),
                "{{halo.retry.maxAttempts}}/{{halo.output}}/{{halo.perPage}}")
                .redirectErrorStream(true);
        child.environment().put("HALO_RETRY_MAXATTEMPTS", "3");
        child.environment().put("HALO_OUTPUT", "hec");
        child.environment().remove("HALO_PERPAGE");
        Process process = child.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(output.lines().filter(l -> l.startsWith("resolved=")).findFirst()).as(output).hasValue("resolved=3/hec/500");
    }

    @Test
    void aSystemPropertyRanksAboveTheUsersFile() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), "halo.state.key = from-file\n");
        System.setProperty("halo.state.key", "from-system");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file);
            ConnectorPropertyDefaults.addTo(context);

            assertThat(context.resolvePropertyPlaceholders("{{halo.state.key}}")).isEqualTo("from-system");
        } finally {
            System.clearProperty("halo.state.key");
        }
    }

    /** Resolves a text in a context reading the given file, in a JVM whose environment the test sets. */
    public static final class PlaceholdersOfAChildJvm {
        public static void main(String[] args) throws Exception {
            try (CamelContext context = new DefaultCamelContext()) {
                context.getPropertiesComponent().setLocation("file:" + new File(args[0]).getAbsolutePath());
                ConnectorPropertyDefaults.addTo(context);
                System.out.println("resolved=" + context.resolvePropertyPlaceholders(args[1]));
            }
        }
    }
}
