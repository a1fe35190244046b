package io.haloconnector.connector;

import io.haloconnector.account.HaloAccounts;
import ch.qos.logback.classic.Level;
import io.haloconnector.LogCapture;
import io.haloconnector.config.ConfigurationException;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the configuration class and the opening of an account say at start about the settings they were given. */
class ConnectorConfigurationTest extends CamelTestSupport {
    @TempDir
    Path work;

    private void configure(String start) throws Exception {
        Properties props = new Properties();
        props.put("halo.api.url", "http://127.0.0.1:1");
        props.put("halo.api.key", "key");
        props.put("halo.api.secret", "secret");
        props.put("halo.state.dir", work.resolve("state").toString());
        if (start != null) {
            props.put("halo.start", start);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        new ConnectorConfiguration().configure(context);
        // the shipped account, as its templatedRoute opens it when the routes load
        HaloAccounts.open(context.getRegistry().lookupByNameAndType("haloAccounts", HaloAccounts.class), "default", "key",
                "halo.api.secret", "http://127.0.0.1:1", start == null ? "" : start, "", "", "", "");
    }

    @Test
    void theDefaultStartIsNotWarnedAbout() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            configure(null);
            assertThat(logs.text()).contains("No checkpoint in");
            assertThat(logs.lines(Level.WARN)).isEmpty();
        }
    }

    @Test
    void aStartOlderThanTheRetentionIsWarnedAbout() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            Instant start = Instant.now().minus(Duration.ofDays(120));
            configure(start.toString());
            assertThat(logs.lines(Level.WARN)).containsExactly(
                    "halo.start=" + start + " is older than Halo's 90-day retention: the oldest events are gone");
        }
    }

    @Test
    void aSettingLeftBlankInTheUsersFileTakesTheDefaultAlsoInTheRoutesPlaceholders() throws Exception {
        Path file = java.nio.file.Files.writeString(work.resolve("application.properties"), "halo.poll.cron =\nhalo.output =\n");
        context.getPropertiesComponent().setLocation("file:" + file);
        configure(null);
        assertThat(context.getPropertiesComponent().resolveProperty("halo.poll.cron")).contains("0 * * * * ?");
        assertThat(context.getPropertiesComponent().resolveProperty("halo.output")).contains("stdout");
    }

    @Test
    void aClusterServiceWithTheCheckpointInAFileIsRefused() {
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(work.resolve("cluster").toString());
        context.getRegistry().bind("cluster", cluster);
        // each node would read its own checkpoint file: a takeover would deliver the account's events again
        assertThatThrownBy(() -> configure(null)).isInstanceOf(ConfigurationException.class)
                .hasMessage("a cluster service (camel.beans.*) needs the checkpoint shared by the nodes: set"
                        + " halo.state.store=jdbc, or remove the cluster service to run one node");
    }
}
