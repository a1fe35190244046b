package io.haloconnector.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poll route's policy on real Camel contexts: with no cluster service the route runs as it
 * always did; with a {@link FileLockClusterService} on one folder only the context that holds the
 * account's lock runs it, and the other takes over when that one stops.
 */
class PollerLeadershipTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path work;

    private final List<CamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    @Test
    void withoutAClusterServiceThePollRouteRunsAndReportsActive() throws Exception {
        CamelContext context = context(null);
        PollerLeadership leadership = PollerLeadership.forAccount(context, "default");
        AtomicInteger standby = new AtomicInteger();
        leadership.onStandby(standby::incrementAndGet);
        start(context, leadership);

        assertThat(leadership.isClustered()).isFalse();
        assertThat(leadership.isActive()).isTrue();
        assertThat(context.getRouteController().getRouteStatus("poll")).isEqualTo(ServiceStatus.Started);
        assertThat(gauge(context, "default")).isEqualTo(1.0);
        assertThat(standby).as("one node is never a standby: its checkpoint is not read again").hasValue(0);
    }

    @Test
    void onlyTheNodeHoldingTheAccountsLockPollsAndTheOtherTakesOverWhenItStops() throws Exception {
        CamelContext first = context("node-a");
        PollerLeadership firstLeadership = PollerLeadership.forAccount(first, "acme");
        start(first, firstLeadership);
        await().atMost(WAIT).until(firstLeadership::isActive);
        assertThat(first.getRouteController().getRouteStatus("poll")).isEqualTo(ServiceStatus.Started);
        assertThat(gauge(first, "acme")).isEqualTo(1.0);

        CamelContext second = context("node-b");
        PollerLeadership secondLeadership = PollerLeadership.forAccount(second, "acme");
        AtomicInteger standby = new AtomicInteger();
        secondLeadership.onStandby(standby::incrementAndGet);
        start(second, secondLeadership);
        assertThat(standby).as("a node of a cluster starts as a standby").hasValue(1);
        // the standby tries the lock every second; a few tries and it still does not poll
        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> !secondLeadership.isActive());
        assertThat(second.getRouteController().getRouteStatus("poll")).isNotEqualTo(ServiceStatus.Started);
        assertThat(gauge(second, "acme")).isEqualTo(0.0);

        first.stop();
        await().atMost(WAIT).until(secondLeadership::isActive);
        await().atMost(WAIT).until(() -> second.getRouteController().getRouteStatus("poll") == ServiceStatus.Started);
        assertThat(gauge(second, "acme")).isEqualTo(1.0);
    }

    /** A context with a meter registry and, when {@code node} is given, a file cluster service on the shared folder. */
    private CamelContext context(String node) {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, new SimpleMeterRegistry());
        if (node != null) {
            FileLockClusterService cluster = new FileLockClusterService();
            cluster.setId(node);
            cluster.setRoot(work.resolve("cluster").toString());
            cluster.setAcquireLockDelay(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            cluster.setAcquireLockInterval(1, java.util.concurrent.TimeUnit.SECONDS);
            cluster.setHeartbeatTimeoutMultiplier(2);
            context.getRegistry().bind("cluster", cluster);
            try {
                context.addService(cluster);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        contexts.add(context);
        return context;
    }

    private static void start(CamelContext context, PollerLeadership leadership) throws Exception {
        context.getRegistry().bind("pollerLeadership", leadership);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:poll").routeId("poll").routePolicyRef("pollerLeadership").to("log:poll");
            }
        });
        context.start();
    }

    private static double gauge(CamelContext context, String account) {
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        return meters.get(PollerLeadership.METER).tag("account", account).gauge().value();
    }
}
