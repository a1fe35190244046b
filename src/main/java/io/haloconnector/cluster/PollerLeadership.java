package io.haloconnector.cluster;

import io.haloconnector.observe.ConnectorMeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceHelper;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The route policy of an account's poll route: with a Camel cluster service (a
 * {@code CamelClusterService} bean, such as {@code FileLockClusterService} or
 * {@code KubernetesClusterService}) the route runs only on the node that leads the namespace
 * {@code halo-<account>}, through Camel's {@link ClusteredRoutePolicy}, so exactly one node
 * polls each account; without one it is always active (one node). Reports the role as the gauge
 * {@code halo.poller.active{account}} (1 polling, 0 standby).
 */
public final class PollerLeadership extends RoutePolicySupport {
    /** The meter: Prometheus shows it as {@code halo_poller_active{account="..."}}. */
    public static final String METER = "halo.poller.active";

    private final String account;
    private final ClusteredRoutePolicy clustered;
    private final List<Runnable> standbyActions = new CopyOnWriteArrayList<>();

    private PollerLeadership(String account, ClusteredRoutePolicy clustered) {
        this.account = account;
        this.clustered = clustered;
    }

    /**
     * The policy for {@code account}'s poll route: clustered on {@code halo-<account>} when the
     * context has a cluster service (bound or added), always active otherwise.
     */
    public static PollerLeadership forAccount(CamelContext context, String account) throws Exception {
        Optional<CamelClusterService> service = clusterService(context);
        Set<CamelClusterService> added = context.hasServices(CamelClusterService.class);
        if (service.isPresent() && (added == null || !added.contains(service.get()))) {
            // a camel.beans.* bean is bound after camel-main adds the registry's cluster services: started with the context
            context.addService(service.get());
        }
        PollerLeadership leadership = new PollerLeadership(account,
                service.map(s -> clusteredOn(context, s, account)).orElse(null));
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(ConnectorMeterRegistry.NAME,
                MeterRegistry.class);
        if (meters != null) {
            Gauge.builder(METER, leadership, l -> l.isActive() ? 1 : 0).tag("account", account)
                    .description("1 when this node polls the account, 0 when another node of the cluster does")
                    .register(meters);
        }
        return leadership;
    }

    /**
     * A policy that is always active and joins no election, whatever cluster service the context has:
     * for a run (a backfill) that polls beside the account's leader rather than in its place.
     */
    public static PollerLeadership unclustered(String account) {
        return new PollerLeadership(account, null);
    }

    /**
     * The cluster service of the context: one added already, or a bean camel-main adds when it
     * configures the context (camel.beans.*), which may come after the configuration classes run.
     */
    public static Optional<CamelClusterService> clusterService(CamelContext context) {
        Set<CamelClusterService> added = context.hasServices(CamelClusterService.class);
        if (added != null && !added.isEmpty()) {
            return added.stream().findFirst();
        }
        return context.getRegistry().findByType(CamelClusterService.class).stream().findFirst();
    }

    private static ClusteredRoutePolicy clusteredOn(CamelContext context, CamelClusterService service, String account) {
        try {
            ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(service, namespace(account));
            policy.setCamelContext(context);
            return policy;
        } catch (Exception e) {
            throw new IllegalStateException("cannot watch the cluster namespace " + namespace(account) + ": " + e, e);
        }
    }

    /** The cluster namespace (a lock file, a Lease) whose leader polls {@code account}. */
    public static String namespace(String account) {
        return "halo-" + account;
    }

    public String account() {
        return account;
    }

    /** True when several nodes share the account through a cluster service. */
    public boolean isClustered() {
        return clustered != null;
    }

    /** True when this node polls the account: it leads the namespace, or there is no cluster. */
    public boolean isActive() {
        return clustered == null || clustered.isLeader();
    }

    /**
     * Runs {@code action} whenever this node is, or becomes, a standby of a cluster: now (a node
     * of a cluster starts as one) and each time the poll route stops.
     */
    public void onStandby(Runnable action) {
        standbyActions.add(action);
        if (clustered != null) {
            action.run();
        }
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        if (clustered != null) {
            clustered.onInit(route); // the route starts only on the leader: autoStartup off
        }
    }

    @Override
    public void onRemove(Route route) {
        if (clustered != null) {
            clustered.onRemove(route);
        }
    }

    @Override
    public void onStart(Route route) {
        if (clustered != null) {
            clustered.onStart(route);
        }
    }

    @Override
    public void onStop(Route route) {
        if (clustered != null) {
            clustered.onStop(route);
            // leadership lost or a shutdown: another node may move the checkpoint from now on
            standbyActions.forEach(Runnable::run);
        }
    }

    @Override
    public void onSuspend(Route route) {
        if (clustered != null) {
            clustered.onSuspend(route);
        }
    }

    @Override
    public void onResume(Route route) {
        if (clustered != null) {
            clustered.onResume(route);
        }
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        if (clustered != null) {
            clustered.onExchangeBegin(route, exchange);
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (clustered != null) {
            clustered.onExchangeDone(route, exchange);
        }
    }

    @Override
    protected void doInit() throws Exception {
        ServiceHelper.initService(clustered);
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(clustered);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(clustered);
    }

    @Override
    protected void doShutdown() throws Exception {
        ServiceHelper.stopAndShutdownService(clustered);
    }

    @Override
    public String toString() {
        return "PollerLeadership[" + account + (clustered == null ? ", no cluster]" : ", " + namespace(account) + "]");
    }
}
