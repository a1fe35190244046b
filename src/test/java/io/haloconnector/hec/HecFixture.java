package io.haloconnector.hec;

import io.haloconnector.config.PropertyLookup;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.poll.ConnectorStopping;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.haloconnector.testkit.hec.HecReceiver;
import io.haloconnector.testkit.hec.HecReceiverConfig;

import io.haloconnector.output.EventBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.IOException;
import java.util.Properties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A strict receiver on loopback and HEC sinks pointed at it with test-speed settings
 * (short backoff and timeouts), each with the project's HEC output routes in a context of its own;
 * delivers pages through them, blocking or on a background thread.
 */
final class HecFixture implements AutoCloseable {

    static final String TOKEN = "8f5c1f2e-6a7b-4c3d-9e0f-a1b2c3d4e5f6";

    /** A call that may throw, run on the fixture's background thread. */
    interface Work {
        void run() throws Exception;
    }

    final HecReceiver receiver;
    final Path stateDir;
    private final List<HecDelivery> sinks = new ArrayList<>();
    private final List<CamelContext> contexts = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hec-test-background");
        t.setDaemon(true);
        return t;
    });

    private HecFixture(HecReceiver receiver, Path stateDir) {
        this.receiver = receiver;
        this.stateDir = stateDir;
    }

    static HecFixture start(HecReceiverConfig.Builder config, Path stateDir) throws IOException {
        return new HecFixture(HecReceiver.start(config.token(TOKEN).build()), stateDir);
    }

    static HecFixture start(Path stateDir) throws IOException {
        return start(HecReceiverConfig.builder(), stateDir);
    }

    static PropertyLookup lookup(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    /** Settings for this receiver; {@code overrides} are name, value pairs. */
    HecSettings settings(String... overrides) {
        return HecSettings.from(lookup(properties(overrides)));
    }

    private Map<String, String> properties(String... overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("halo.output", "hec");
        props.put("hec.url", receiver.baseUrl().toString());
        props.put("hec.token", TOKEN);
        props.put("halo.api.url", "https://api.cloudpassage.com");
        props.put("hec.retry.maxDelay", "100ms");
        props.put("hec.timeout", "3s");
        props.put("hec.ack.pollInterval", "20ms");
        for (int i = 0; i < overrides.length; i += 2) {
            props.put(overrides[i], overrides[i + 1]);
        }
        return props;
    }

    /** The HEC delivery step with the project's own HEC output route (routes/output-hec.yaml) in a Camel context of its own. */
    HecDelivery sink(String... overrides) throws Exception {
        return sink(null, overrides);
    }

    /** As {@link #sink(String...)}, telling {@code inFlight} (null: as the settings say) of HEC's answers. */
    HecDelivery sink(AdaptiveConcurrency inFlight, String... overrides) throws Exception {
        Map<String, String> props = properties(overrides);
        CamelContext context = new DefaultCamelContext();
        Properties initial = new Properties();
        initial.putAll(props);
        context.getPropertiesComponent().setInitialProperties(initial);
        HecSettings settings = HecSettings.from(lookup(props));
        HecDelivery sink = inFlight == null ? HecDelivery.bind(context, settings, stateDir, HecObserver.NONE)
                : HecDelivery.bind(context, settings, stateDir, HecObserver.NONE, inFlight);
        ConnectorStopping.of(context).onStop(sink::stopRetries); // as the connector wires it
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:routes/output-hec.yaml"));
        context.start();
        contexts.add(context);
        sinks.add(sink);
        return sink;
    }

    /** The stop signal of the context the last {@link #sink} runs in: begins a stop while the routes still run. */
    ConnectorStopping stopping() {
        return ConnectorStopping.of(contexts.get(contexts.size() - 1));
    }

    /**
     * Delivers one page as the poll hands it over: the events as the body of an exchange sent to the
     * output route, direct:halo-output of the sink's context, with {@code headers}; throws what the
     * route threw, or returns the exchange as the route left it.
     */
    Exchange deliver(HecDelivery sink, List<HaloEvent> events, Map<String, Object> headers) throws Exception {
        CamelContext context = contexts.get(sinks.indexOf(sink));
        try (ProducerTemplate pages = context.createProducerTemplate()) {
            Exchange delivered = pages.send("direct:halo-output", exchange -> {
                exchange.getMessage().setHeaders(new HashMap<>(headers));
                exchange.getMessage().setBody(new EventBatch(events));
            });
            if (delivered.getException() != null) {
                throw delivered.getException();
            }
            return delivered;
        }
    }

    /** As {@link #deliver(HecDelivery, List, Map)}, without headers. */
    void deliver(HecDelivery sink, List<HaloEvent> events) throws Exception {
        deliver(sink, events, Map.of());
    }

    /** Delivers the page, as the route does, on a background thread. */
    CompletableFuture<Void> deliverAsync(HecDelivery sink, List<HaloEvent> events) {
        return async(() -> deliver(sink, events));
    }

    CompletableFuture<Void> async(Work work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        background.execute(() -> {
            try {
                work.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Ids of the events inside the envelopes the receiver accepted (and acked), in arrival order. */
    List<String> receivedIds() {
        return receiver.received().stream().map(e -> e.get("event").get("id").asText()).toList();
    }

    static List<String> ids(List<HaloEvent> events) {
        return events.stream().map(HaloEvent::id).toList();
    }

    @Override
    public void close() {
        sinks.forEach(HecDelivery::close);
        contexts.forEach(CamelContext::stop);
        background.shutdownNow();
        receiver.close();
    }
}
