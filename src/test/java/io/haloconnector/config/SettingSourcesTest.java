package io.haloconnector.config;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up summary of where each connector setting came from: the user's file by its path,
 * nothing of the packed defaults, secrets (and credentials in a URL) masked.
 */
class SettingSourcesTest {
    private static final String PACKED = "classpath:io/haloconnector/app/application.properties";

    @TempDir
    Path work;

    @Test
    void namesTheUsersFileForItsSettingsAndLeavesThePackedDefaultsOut() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), String.join("\n",
                "halo.perPage = 100",
                "halo.output = file",
                "halo.api.key =",
                "halo.pollcron = 0/5 * * * * ?",
                "camel.main.name = mine",
                ""));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file + "," + PACKED);
            context.getPropertiesComponent().addOverrideProperty("halo.state.dir", "/srv/state");

            List<String> lines = SettingSources.lines(context, PACKED);

            assertThat(lines).containsExactly(
                    "    [" + file + "] halo.perPage = 100",
                    "    [override] halo.state.dir = /srv/state",
                    "    [" + file + "] halo.output = file",
                    "    [" + file + "] halo.pollcron = 0/5 * * * * ?");
        }
    }

    @Test
    void namesAHostsInitialPropertiesAndLeavesTheTablesDefaultsOut() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            java.util.Properties initial = new java.util.Properties();
            initial.put("halo.perPage", "20");
            initial.put("halo.poll.lag", "");
            context.getPropertiesComponent().setInitialProperties(initial);
            ConnectorPropertyDefaults.addTo(context);

            assertThat(context.resolvePropertyPlaceholders("{{halo.poll.lag}}")).as("the default").isEqualTo("10s");
            assertThat(SettingSources.lines(context, PACKED)).containsExactly("    [initial] halo.perPage = 20");
        }
    }

    @Test
    void masksSecretsAndTheCredentialsOfAUrl() throws Exception {
        Path file = Files.writeString(work.resolve("application.properties"), String.join("\n",
                "halo.api.secret = s3cret-value",
                "hec.token = tok-value",
                "kafka.sasl.password = pass-value",
                "syslog.tls.trustStorePassword = store-value",
                "halo.other.accessToken = other-value",
                "hec.url = https://admin:pw-value@splunk.example.com:8088",
                "halo.state.jdbc.url = jdbc:postgresql://db:5432/halo?user=halo&password=jdbc-value",
                ""));
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("file:" + file);

            String text = String.join("\n", SettingSources.lines(context, PACKED));

            assertThat(text).contains("halo.api.secret = xxxxxx", "hec.token = xxxxxx", "kafka.sasl.password = xxxxxx",
                            "syslog.tls.trustStorePassword = xxxxxx", "halo.other.accessToken = xxxxxx",
                            "hec.url = https://xxxxxx@splunk.example.com:8088",
                            "halo.state.jdbc.url = jdbc:postgresql://db:5432/halo?user=halo&password=xxxxxx")
                    .doesNotContain("-value");
        }
    }
}
