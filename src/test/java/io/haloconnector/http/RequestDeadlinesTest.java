package io.haloconnector.http;

import io.haloconnector.Keytool;
import io.haloconnector.config.HttpComponentDefaults;
import io.haloconnector.simulator.Fault;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * camel-http requests with a whole-request limit against the simulator's hostile answers: a body
 * trickled or stalled, or no answer at all, fails with a {@link RequestAbortedException} naming
 * the setting soon after the limit, although bytes keep coming; a stop aborts what is still in
 * flight at half the shutdown timeout.
 */
class RequestDeadlinesTest {
    private static final Duration LIMIT = Duration.ofMillis(800);

    private HaloSimulator simulator;
    private CamelContext context;
    private RequestDeadlines deadlines;
    private ProducerTemplate template;

    @BeforeEach
    void start() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        simulator.close();
    }

    private void startContext(Duration limit, Duration socketTimeouts) throws Exception {
        startContext(limit, socketTimeouts, null);
    }

    private void startContext(Duration limit, Duration socketTimeouts, SSLContextParameters tls) throws Exception {
        context = new DefaultCamelContext();
        HttpComponentDefaults.applyTo(context);
        deadlines = RequestDeadlines.of(context);
        HttpComponent http = context.getComponent(tls == null ? "http" : "https", HttpComponent.class);
        if (tls != null) {
            http.setSslContextParameters(tls);
        }
        http.setResponseTimeout(socketTimeouts.toMillis());
        http.setSoTimeout(socketTimeouts.toMillis());
        http.setHttpClientConfigurer(deadlines.limit(limit, "test.timeout"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(noErrorHandler()); // the test reads the failure from the exchange
                from("direct:token").to(simulator.baseUrl() + "/oauth/access_token?throwExceptionOnFailure=false");
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    private CompletableFuture<Exchange> tokenRequest() {
        return template.asyncSend("direct:token", exchange -> {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            exchange.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (simulator.apiKey() + ":" + simulator.apiSecret()).getBytes(StandardCharsets.UTF_8)));
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            exchange.getMessage().setBody("grant_type=client_credentials");
        });
    }

    /** Sends one token request; returns how long it took, asserting it failed with the limit's message. */
    private Duration failsWithTheLimit() throws Exception {
        long began = System.nanoTime();
        Exchange done = tokenRequest().get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(done.getException()).isInstanceOf(RequestAbortedException.class)
                .hasMessage("no complete answer within 800ms (test.timeout)");
        return took;
    }

    @Test
    void aTrickledBodyFailsSoonAfterTheLimitThoughEveryReadGetsAByte() throws Exception {
        startContext(LIMIT, Duration.ofSeconds(30));
        simulator.faults().enqueueForToken(Fault.trickledBody(Duration.ofMillis(100)));

        // the limit plus scheduling on a busy machine; the whole trickle would take about 9 s
        assertThat(failsWithTheLimit()).isBetween(LIMIT, LIMIT.plusMillis(700));
        assertThat(deadlines.inFlight()).isZero();
    }

    @Test
    void aStalledBodyFailsAtTheLimitNotAtTheLongerSocketTimeout() throws Exception {
        startContext(LIMIT, Duration.ofSeconds(30));
        simulator.faults().enqueueForToken(Fault.stalledBody());

        assertThat(failsWithTheLimit()).isBetween(LIMIT, LIMIT.plusMillis(700));
    }

    @Test
    void aTrickledBodyOverTlsFailsAtTheLimitToo(@TempDir Path keys) throws Exception {
        simulator.close();
        Path keyStore = keys.resolve("halo-server.p12");
        Path trustStore = keys.resolve("halo-trust.p12");
        Keytool.selfSignedForLoopback(keyStore, trustStore, "changeit");
        simulator = HaloSimulator.start(SimulatorConfig.builder().tls(Keytool.serverTls(keyStore, "changeit")).build());
        KeyStoreParameters trusted = new KeyStoreParameters();
        trusted.setResource("file:" + trustStore);
        trusted.setPassword("changeit");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(trusted);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trust);
        startContext(LIMIT, Duration.ofSeconds(30), tls);
        simulator.faults().enqueueForToken(Fault.trickledBody(Duration.ofMillis(100)));

        // closing a TLS socket that another thread reads from ends that read as well
        assertThat(failsWithTheLimit()).isBetween(LIMIT, LIMIT.plusMillis(700));
    }

    @Test
    void noAnswerAtAllFailsAtTheLimit() throws Exception {
        startContext(LIMIT, Duration.ofSeconds(30));
        simulator.faults().enqueueForToken(Fault.hang());

        assertThat(failsWithTheLimit()).isBetween(LIMIT, LIMIT.plusMillis(700));
    }

    @Test
    void aSocketTimeoutOfTheSameSettingSaysTheSame() throws Exception {
        startContext(Duration.ofSeconds(30), LIMIT);
        simulator.faults().enqueueForToken(Fault.hang());

        Exchange done = tokenRequest().get(30, TimeUnit.SECONDS);

        assertThat(done.getException()).isInstanceOf(RequestAbortedException.class)
                .hasMessage("no complete answer within 30s (test.timeout)");
    }

    @Test
    void answersWithinTheLimitPassAndLeaveNothingInFlight() throws Exception {
        startContext(LIMIT, Duration.ofSeconds(30));
        simulator.faults().enqueueForToken(Fault.delay(Duration.ofMillis(300)));

        for (int i = 0; i < 3; i++) {
            Exchange done = tokenRequest().get(30, TimeUnit.SECONDS);
            assertThat(done.getException()).isNull();
            assertThat(done.getMessage().getBody(String.class)).contains("access_token");
        }
        assertThat(deadlines.inFlight()).isZero();
    }

    @Test
    void aStopAbortsARequestStillInFlightAtHalfTheShutdownTimeout() throws Exception {
        startContext(Duration.ofMinutes(1), Duration.ofMinutes(1));
        context.getShutdownStrategy().setTimeout(4);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        simulator.faults().enqueueForToken(Fault.hang());
        CompletableFuture<Exchange> request = tokenRequest();
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.stats().tokenRequests() == 1);
        Instant stopped = Instant.now();

        context.stop();
        Duration stopTook = Duration.between(stopped, Instant.now());

        Exchange done = request.get(1, TimeUnit.SECONDS);
        assertThat(done.getException()).isInstanceOf(RequestAbortedException.class)
                .hasMessage("aborted: the connector is stopping");
        // aborted at 2 s, and the stop's check for exchanges in flight comes once a second
        assertThat(stopTook).isBetween(Duration.ofSeconds(2), Duration.ofMillis(3_900));
    }

    @Test
    void aStopLetsAnAnswerThatComesWithinHalfTheShutdownTimeoutFinish() throws Exception {
        startContext(Duration.ofMinutes(1), Duration.ofMinutes(1));
        context.getShutdownStrategy().setTimeout(4);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        simulator.faults().enqueueForToken(Fault.delay(Duration.ofSeconds(1)));
        CompletableFuture<Exchange> request = tokenRequest();
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.stats().tokenRequests() == 1);

        context.stop();

        Exchange done = request.get(1, TimeUnit.SECONDS);
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody(String.class)).contains("access_token");
    }
}
