package io.haloconnector.hec;

import io.haloconnector.Keytool;
import io.haloconnector.LogCapture;
import ch.qos.logback.classic.Level;
import io.haloconnector.testkit.hec.HecReceiverConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** HTTPS to HEC with a self-signed certificate: verified against a trust store by default, unverified only when asked. */
class HecDeliveryTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path keys;
    /** Certificate for 127.0.0.1, and one naming another host; both in the trust store. */
    private static Path rightHost;
    private static Path wrongHost;
    private static Path trustStore;

    @TempDir
    Path stateDir;
    private HecFixture hec;

    @BeforeAll
    static void generateCertificates() throws Exception {
        rightHost = keys.resolve("hec.p12");
        wrongHost = keys.resolve("elsewhere.p12");
        trustStore = keys.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "hec", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", rightHost.toString());
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=splunk.elsewhere.example", "-ext", "SAN=dns:splunk.elsewhere.example", "-storetype", "PKCS12",
                "-keystore", wrongHost.toString());
        for (Path store : new Path[] {rightHost, wrongHost}) {
            Path cert = keys.resolve(store.getFileName() + ".cer");
            keytool("-exportcert", "-alias", store == rightHost ? "hec" : "other", "-keystore", store.toString(), "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", store.getFileName().toString(), "-file", cert.toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore.toString());
        }
    }

    private static void keytool(String... args) throws Exception {
        Keytool.run(PASSWORD, args);
    }

    @AfterEach
    void stop() {
        if (hec != null) {
            hec.close();
        }
    }

    @Test
    void deliversOverHttpsWithATrustStore() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().tlsKeyStore(rightHost, PASSWORD), stateDir);
        assertThat(hec.receiver.baseUrl().getScheme()).isEqualTo("https");
        HecDelivery sink = hec.sink("hec.tls.trustStore", trustStore.toString(), "hec.tls.trustStorePassword", PASSWORD);

        hec.deliverAsync(sink, SampleEvents.events(0, 5)).get(10, TimeUnit.SECONDS);

        assertThat(hec.receiver.received()).hasSize(5);
    }

    @Test
    void anUntrustedCertificateIsRefusedByDefault() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().tlsKeyStore(rightHost, PASSWORD), stateDir);
        HecDelivery sink = hec.sink();

        try (LogCapture logs = new LogCapture()) {
            hec.deliverAsync(sink, SampleEvents.events(0, 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines(Level.ERROR).stream()
                    .anyMatch(e -> e.startsWith("HEC at " + hec.receiver.baseUrl().getAuthority() + " failed the TLS handshake")
                            && e.contains("check hec.tls.trustStore")));
        }
        assertThat(hec.receiver.received()).isEmpty();
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenWhenTrusted() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().tlsKeyStore(wrongHost, PASSWORD), stateDir);
        HecDelivery sink = hec.sink("hec.tls.trustStore", trustStore.toString(), "hec.tls.trustStorePassword", PASSWORD);

        try (LogCapture logs = new LogCapture()) {
            hec.deliverAsync(sink, SampleEvents.events(0, 2));
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines(Level.ERROR).stream()
                    .anyMatch(e -> e.startsWith("HEC at " + hec.receiver.baseUrl().getAuthority() + " failed the TLS handshake")));
        }
        assertThat(hec.receiver.received()).isEmpty();
    }

    @Test
    void insecureSkipsCertificateAndHostnameChecksWithAWarning() throws Exception {
        hec = HecFixture.start(HecReceiverConfig.builder().tlsKeyStore(wrongHost, PASSWORD), stateDir);

        try (LogCapture logs = new LogCapture()) {
            HecDelivery sink = hec.sink("hec.tls.insecure", "true");
            assertThat(logs.lines(Level.WARN)).singleElement().asString().startsWith("hec.tls.insecure=true");
            hec.deliverAsync(sink, SampleEvents.events(0, 3)).get(10, TimeUnit.SECONDS);
        }
        assertThat(hec.receiver.received()).hasSize(3);
    }
}
