package io.haloconnector.output;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.security.cert.CertificateException;

import static org.assertj.core.api.Assertions.assertThat;

class OutputFailureTest {
    private static final CamelContext CONTEXT = new DefaultCamelContext();

    @AfterAll
    static void close() throws Exception {
        CONTEXT.close();
    }

    /** The failure the output page route's doCatch sees after the step. */
    private static Throwable after(OutputFailure step, Throwable failure) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        step.process(exchange);
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    @Test
    void aFullDiskNamesTheFolderAndSaysSo() {
        Path folder = Path.of("/var/lib/halo/events");
        Throwable failure = new GenericFileOperationFailedException("Cannot store file: " + folder + "/halo-events-2026-12-07-000.jsonl",
                new IOException("No space left on device"));
        Throwable said = after(OutputFailure.file(folder), failure);
        assertThat(said).hasMessage("Cannot write to the folder /var/lib/halo/events: No space left on device;"
                + " free space there or set halo.file.dir to another folder").hasCause(failure);
    }

    @Test
    void aFailureOfAnotherFolderIsLeftAsItIs() {
        Throwable failure = new GenericFileOperationFailedException("Cannot store file: /srv/sca/x.json", new IOException("Is a directory"));
        assertThat(after(OutputFailure.file(Path.of("/var/lib/halo/events")), failure)).isSameAs(failure);
    }

    @Test
    void aRefusedConnectionNamesTheReceiverAndWhereItListens() {
        Throwable failure = new RuntimeException("Cannot connect to 127.0.0.1:6514", new ConnectException("Connection refused"));
        assertThat(after(OutputFailure.syslog("siem.example", 6514, false), failure)).hasMessage(
                "The syslog receiver siem.example:6514 did not take the page: Connection refused; check syslog.host and syslog.port");
    }

    @Test
    void aConnectionClosedAsSoonAsItOpenedIsSaidSoNotAsThePoolsWords() {
        Throwable failure = new RuntimeException("Cannot borrow a channel", new java.util.NoSuchElementException("Unable to validate object"));
        assertThat(after(OutputFailure.syslog("siem.example", 514, false), failure)).hasMessage(
                "The syslog receiver siem.example:514 did not take the page: the connection was closed as soon as it opened;"
                        + " check syslog.host and syslog.port");
    }

    @Test
    void aRefusedCertificateNamesTheTrustStoreWithTheInnermostReasonAndNoDoubleFullStop() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("No name matching siem.example found."));
        Throwable said = after(OutputFailure.syslog("siem.example", 6514, true), new RuntimeException(handshake));
        assertThat(said.getMessage()).isEqualTo("The syslog receiver siem.example:6514 did not take the page: the TLS handshake"
                + " failed (No name matching siem.example found); check syslog.tls.trustStore (it must hold the receiver's"
                + " certificate or its CA) and that the certificate names syslog.host");
    }

    @Test
    void kafkaNamesTheBrokersAndTheLoginWhenItWasRefused() {
        Throwable refused = new RuntimeException(new org.apache.kafka.common.errors.SaslAuthenticationException(
                "Authentication failed: Invalid username or password"));
        assertThat(after(OutputFailure.kafka("k1:9093,k2:9093"), refused)).hasMessage("Kafka at k1:9093,k2:9093 did not take"
                + " the page: Authentication failed: Invalid username or password; check kafka.sasl.username and"
                + " kafka.sasl.password (or KAFKA_SASL_PASSWORD)");
    }

    @Test
    void anOutputThatSaysItselfIsLeftAsItIs() {
        Throwable failure = new IllegalStateException("HEC at 127.0.0.1:8088 refused the token (code 4): check hec.token");
        assertThat(after(OutputFailure.asItIs(), failure)).isSameAs(failure);
    }
}
