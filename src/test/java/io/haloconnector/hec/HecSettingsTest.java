package io.haloconnector.hec;

import io.haloconnector.config.*;

import io.haloconnector.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** hec.* properties: defaults, and one clear line naming the property for each bad value. */
class HecSettingsTest {
    private static PropertyLookup lookup(java.util.Map<String, String> values) {
        return name -> java.util.Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }


    @TempDir
    Path dir;

    private static HecSettings settings(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("hec.url", "https://splunk:8088");
        props.put("hec.token", "t0ken");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return HecSettings.from(lookup(props));
    }

    private static void assertRefused(String message, String... pairs) {
        assertThatThrownBy(() -> settings(pairs)).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    @Test
    void defaults() {
        HecSettings s = settings("halo.api.url", "https://api.cloudpassage.com/v1");
        assertThat(s.url()).hasToString("https://splunk:8088");
        assertThat(s.index()).isEmpty();
        assertThat(s.sourcetype()).isEqualTo("cp_halo");
        assertThat(s.source()).isEqualTo("halo:events");
        assertThat(s.host()).isEqualTo("api.cloudpassage.com");
        assertThat(s.batchEvents()).isEqualTo(500);
        assertThat(s.batchBytes()).isEqualTo(1_000_000);
        assertThat(s.gzip()).isFalse();
        assertThat(s.ack()).isFalse();
        assertThat(s.ackTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.ackPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.trustStore()).isEmpty();
        assertThat(s.insecure()).isFalse();
        assertThat(s.retryMaxDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void hostFollowsTheHaloApiAndCanBeSet() {
        assertThat(settings("halo.api.url", "https://halo.eu.example:8443/").host()).isEqualTo("halo.eu.example");
        assertThat(settings().host()).isEqualTo("api.cloudpassage.com");
        assertThat(settings("hec.host", "halo-prod").host()).isEqualTo("halo-prod");
    }

    @Test
    void aPastedEndpointUrlIsReducedToTheBase() {
        assertThat(settings("hec.url", "https://splunk:8088/services/collector/event").url()).hasToString("https://splunk:8088");
        assertThat(settings("hec.url", "http://proxy/splunk/services/collector/").url()).hasToString("http://proxy/splunk");
    }

    @Test
    void requiredProperties() {
        assertThatThrownBy(() -> HecSettings.from(lookup(Map.of("hec.token", "x"))))
                .hasMessage("hec.url is not set: set it to the HEC base URL, such as https://splunk:8088");
        assertThatThrownBy(() -> HecSettings.from(lookup(Map.of("hec.url", "https://splunk:8088"))))
                .hasMessage("hec.token is not set: set it to the HEC token");
    }

    @Test
    void badValuesNameTheProperty() {
        assertRefused("hec.url=foo is not valid: expected an http(s) URL such as https://splunk:8088", "hec.url", "foo");
        assertRefused("hec.url=ftp://splunk:8088 is not valid: expected an http(s) URL such as https://splunk:8088", "hec.url", "ftp://splunk:8088");
        assertRefused("hec.token is not valid: it contains whitespace or control characters", "hec.token", "two words");
        assertRefused("hec.batch.events=0 is not valid: expected a whole number from 1 to 100000", "hec.batch.events", "0");
        assertRefused("hec.batch.bytes=lots is not valid: expected a whole number from 1000 to 838860800", "hec.batch.bytes", "lots");
        assertRefused("hec.gzip=yes is not valid: expected true or false", "hec.gzip", "yes");
        assertRefused("hec.ack.timeout=soon is not valid: expected a duration such as 500ms, 10s, 5m or 2h, from 0.1s to 24h",
                "hec.ack.timeout", "soon");
        assertRefused("hec.index=Main Index is not valid: expected a Splunk index name (lower-case letters, digits, _ and -, "
                + "starting with a letter or digit)", "hec.index", "Main Index");
    }

    @Test
    void trustStoreMustBeReadableAndNotMixedWithInsecure() throws Exception {
        Path missing = dir.resolve("missing.p12");
        assertRefused("hec.tls.trustStore=" + missing + " is not valid: no readable file there", "hec.tls.trustStore", missing.toString());
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        assertThatThrownBy(() -> settings("hec.tls.trustStore", garbage.toString(), "hec.tls.trustStorePassword", "s3cret"))
                .hasMessageStartingWith("hec.tls.trustStore=" + garbage + " could not be read")
                .hasMessageNotContaining("s3cret");
        assertRefused("hec.tls.insecure=true conflicts with hec.tls.trustStore: set only one of them",
                "hec.tls.insecure", "true", "hec.tls.trustStore", garbage.toString());
    }
}
