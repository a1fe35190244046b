package io.haloconnector.poll;

import org.apache.camel.CamelContext;
import org.apache.camel.support.LifecycleStrategySupport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The moment the context begins to stop (SIGTERM, Ctrl-C, a host stopping its runtime), before
 * Camel stops any route: from then on no poll starts, no page is requested from Halo, no page is
 * handed to the output, and no HEC retry is sent. The pages already handed to the output are
 * finished and committed while Camel's shutdown waits for them (the output route completes all
 * its tasks). Camel's own shutdown comes too late for that: it keeps every seda consumer running
 * until their queues are empty, so a poll queued behind the running one would start, and the
 * running poll would hand over the page it was fetching. One instance per context: {@link #of}.
 */
public final class ConnectorStopping {
    /** The registry name of a context's instance. */
    static final String BEAN = "connectorStopping";

    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> stopping = new CompletableFuture<>();

    ConnectorStopping() {
    }

    /** The context's instance, made and bound at the first call, with its stop hook. */
    public static synchronized ConnectorStopping of(CamelContext context) {
        ConnectorStopping existing = context.getRegistry().lookupByNameAndType(BEAN, ConnectorStopping.class);
        if (existing != null) {
            return existing;
        }
        ConnectorStopping created = new ConnectorStopping();
        context.getRegistry().bind(BEAN, created);
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext camelContext) {
                created.started();
            }

            // called by CamelContext.stop() before the shutdown strategy stops a route
            @Override
            public void onContextStopping(CamelContext camelContext) {
                created.stop();
            }
        });
        return created;
    }

    /** True from the start of the stop until the context starts again. */
    public boolean isStopping() {
        return stopping.isDone();
    }

    /** Completes when the stop begins: a wait for anything else also waits on this one. */
    public CompletableFuture<Void> signal() {
        return stopping;
    }

    /** Runs {@code action} when a stop begins (each time): it wakes the waits that must end at the stop. */
    public void onStop(Runnable action) {
        actions.add(action);
    }

    /** Begins the stop now (the lifecycle hook; tests). */
    public void stop() {
        if (stopping.complete(null)) {
            actions.forEach(Runnable::run);
        }
    }

    private void started() {
        if (stopping.isDone()) {
            stopping = new CompletableFuture<>();
        }
    }
}
