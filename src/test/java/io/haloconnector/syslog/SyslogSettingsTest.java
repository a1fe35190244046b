package io.haloconnector.syslog;

import io.haloconnector.config.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** syslog.* properties: defaults, and one clear line naming the property for each bad value. */
class SyslogSettingsTest {
    @TempDir
    Path dir;

    private static SyslogSettings settings(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("syslog.host", "collector.example.com");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return SyslogSettings.from(name -> Optional.ofNullable(props.get(name)).filter(v -> !v.isBlank()));
    }

    private static void assertRefused(String message, String... pairs) {
        assertThatThrownBy(() -> settings(pairs)).isInstanceOf(ConfigurationException.class).hasMessage(message);
    }

    @Test
    void defaultsAreTlsOn6514WithCefFromLocal0() {
        SyslogSettings settings = settings();
        assertThat(settings.protocol()).isEqualTo("tls");
        assertThat(settings.port()).isEqualTo(6514);
        assertThat(settings.format()).isEqualTo("cef");
        assertThat(settings.facility()).isEqualTo(16);
        assertThat(settings.appName()).isEqualTo("halo-connector");
        assertThat(settings.trustStore()).isEmpty();
        assertThat(settings("syslog.protocol", "tcp").port()).isEqualTo(514);
        assertThat(settings("syslog.protocol", "UDP", "syslog.port", "5514").port()).isEqualTo(5514);
        assertThat(settings("syslog.facility", "AUTH").facility()).isEqualTo(4);
        assertThat(settings("syslog.facility", "23").facility()).isEqualTo(23);
        assertThat(settings("syslog.host", "[::1]").host()).isEqualTo("[::1]");
    }

    @Test
    void eachBadValueIsOneLineNamingTheProperty() {
        assertThatThrownBy(() -> SyslogSettings.from(name -> Optional.empty())).isInstanceOf(ConfigurationException.class)
                .hasMessage("syslog.host is not set: set it to the syslog receiver's host name or IP address");
        assertRefused("syslog.host=collector:514/x is not valid: expected a host name or IP address (an IPv6 one in brackets)",
                "syslog.host", "collector:514/x");
        assertRefused("syslog.port=70000 is not valid: expected a whole number from 1 to 65535", "syslog.port", "70000");
        assertRefused("syslog.protocol=relp is not valid: expected one of tls, tcp, udp", "syslog.protocol", "relp");
        assertRefused("syslog.format=xml is not valid: expected one of cef, leef, json", "syslog.format", "xml");
        assertRefused("syslog.facility=local8 is not valid: expected a facility name (user, daemon, auth, local0 to local7...)"
                + " or number 0 to 23", "syslog.facility", "local8");
        assertRefused("syslog.appName=halo connector is not valid: expected 1 to 48 printable ASCII characters, no space",
                "syslog.appName", "halo connector");
        assertRefused("syslog.tls.trustStore=" + dir.resolve("none.p12") + " is not valid: no readable file there",
                "syslog.tls.trustStore", dir.resolve("none.p12").toString());
    }

    @Test
    void aTrustStoreIsReadAtStartAndItsPasswordNeverShown() throws Exception {
        Path garbage = Files.writeString(dir.resolve("trust.p12"), "not a key store");
        assertThatThrownBy(() -> settings("syslog.tls.trustStore", garbage.toString(), "syslog.tls.trustStorePassword", "s3cret-pass"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("syslog.tls.trustStore=" + garbage + " could not be read")
                .hasMessageNotContaining("s3cret-pass");
        Path store = dir.resolve("real.p12");
        io.haloconnector.Keytool.selfSignedForLoopback(dir.resolve("key.p12"), store, "s3cret-pass");
        assertThat(settings("syslog.tls.trustStore", store.toString(), "syslog.tls.trustStorePassword", "s3cret-pass").trustStore()).isPresent();
        assertRefused("syslog.tls.trustStore is set but syslog.protocol=tcp sends in clear: set syslog.protocol=tls, or remove the trust store",
                "syslog.tls.trustStore", store.toString(), "syslog.tls.trustStorePassword", "s3cret-pass", "syslog.protocol", "tcp");
    }
}
