package io.haloconnector.config;

import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import org.apache.camel.component.properties.DefaultPropertiesParser;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** A secret read by the name of where it is: from each place Camel would find it, with no log line carrying it. */
class SecretFromTest {
    @TempDir
    Path work;

    @Test
    void readsTheNamedPropertyFromAFileTheInitialPropertiesOrTheHostsLookupAndLogsNoValue() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), "prod.apiSecret = file-secret-1\nplain.value = shown\n");
        // Camel's property parser prints each value it resolves at DEBUG (the app's logback.xml keeps it at INFO; a host's may not)
        ch.qos.logback.classic.Logger parser = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.camel.component.properties");
        Level level = parser.getLevel();
        parser.setLevel(Level.TRACE);
        try (LogCapture logs = new LogCapture(Level.TRACE); DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file);
            Properties initial = new Properties();
            initial.put("test.apiSecret", "initial-secret-2");
            initial.put("blank.apiSecret", " ");
            context.getPropertiesComponent().setInitialProperties(initial);
            // Spring Boot's parser answers from its environment
            ((PropertiesComponent) context.getPropertiesComponent()).setPropertiesParser(new DefaultPropertiesParser() {
                @Override
                public String customLookup(String key) {
                    return "spring.apiSecret".equals(key) ? "spring-secret-3" : null;
                }
            });

            assertThat(SecretFrom.read(context, " prod.apiSecret ")).isEqualTo("file-secret-1");
            assertThat(SecretFrom.read(context, "test.apiSecret")).isEqualTo("initial-secret-2");
            assertThat(SecretFrom.read(context, "spring.apiSecret")).isEqualTo("spring-secret-3");
            assertThat(SecretFrom.read(context, "blank.apiSecret")).isEmpty();
            assertThat(SecretFrom.read(context, "missing.apiSecret")).isEmpty();
            assertThat(SecretFrom.read(context, "")).isEmpty();
            assertThat(context.resolvePropertyPlaceholders("{{plain.value}}")).isEqualTo("shown");
            assertThat(logs.text()).as("the parser's lines are captured").contains("with value: shown");
            assertThat(logs.text()).doesNotContain("secret-1").doesNotContain("secret-2").doesNotContain("secret-3");
        } finally {
            parser.setLevel(level);
        }
    }

    @Test
    void aSystemPropertyOfThatNameWinsOverTheFiles() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), "other.apiSecret = from-file\n");
        System.setProperty("other.apiSecret", "from-system");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file);
            assertThat(SecretFrom.read(context, "other.apiSecret")).isEqualTo("from-system");
        } finally {
            System.clearProperty("other.apiSecret");
        }
    }
}
