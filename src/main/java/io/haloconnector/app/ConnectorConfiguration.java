package io.haloconnector.app;

import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.halo.HaloApiClient;
import io.haloconnector.halo.HaloTokenProvider;
import io.haloconnector.hec.HecEventSink;
import io.haloconnector.hec.HecObserver;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import io.haloconnector.config.HecSettings;
import io.haloconnector.output.EventSink;
import io.haloconnector.output.RollingFileEventSink;
import io.haloconnector.output.StdoutEventSink;
import io.haloconnector.poll.CatchUpProgress;
import io.haloconnector.poll.CommitPage;
import io.haloconnector.poll.EventId;
import io.haloconnector.poll.FetchEventPage;
import io.haloconnector.poll.OpenPollWindow;
import io.haloconnector.poll.ReportPollFailure;
import io.haloconnector.state.DeliveredEvents;
import io.haloconnector.state.EventCursor;
import io.haloconnector.state.FileCheckpointStore;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads and checks the {@code halo.*} properties, opens the state and the output, and binds the
 * beans the YAML routes refer to. camel-main runs it before the routes load; to use the routes on
 * another Camel runtime, run {@link #configure} on its context the same way.
 */
public class ConnectorConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfiguration.class);

    private final Clock clock;

    public ConnectorConfiguration() {
        this(Clock.systemUTC());
    }

    public ConnectorConfiguration(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertyLookup props = name -> context.getPropertiesComponent().resolveProperty(name)
                .map(String::trim).filter(value -> !value.isEmpty());
        ConnectorSettings settings = ConnectorSettings.from(props, clock);
        if (settings.start().isBefore(clock.instant().minus(ConnectorSettings.RETENTION))) {
            LOG.warn("halo.start={} is older than Halo's 90-day retention: the oldest events are gone", settings.start());
        }

        ConnectorMetrics metrics = new ConnectorMetrics(meterRegistry(context));
        ConnectorHealth health = new ConnectorHealth();

        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.apiTimeout())
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect would carry the bearer token elsewhere
                .build();
        HaloTokenProvider tokens = new HaloTokenProvider(http, settings.apiUrl(), settings.apiKey(), settings.apiSecret(),
                settings.apiTimeout(), clock, metrics);
        HaloApiClient api = new HaloApiClient(http, settings.apiUrl(), tokens, settings.apiTimeout(), metrics);
        metrics.tokenRefreshes(tokens, HaloTokenProvider::refreshes);

        FileCheckpointStore store = new FileCheckpointStore(settings.stateDir());
        DeliveredEvents delivered = new DeliveredEvents();
        EventCursor cursor = new EventCursor(store, delivered, settings.pollOverlap(), settings.output());
        EventSink sink;
        try {
            cursor.open(settings.start(), settings.startConfigured());
            sink = createSink(settings, props, metrics.hecObserver(health));
            sink.recover(cursor.committedOutputPosition());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        metrics.cursorLag(cursor::cursor, clock);
        CatchUpProgress progress = new CatchUpProgress(clock,
                props.getDuration("halo.progress.interval", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1)));
        LOG.info("Polling Halo at {} ({}), {} events a page, output {}; Java {}, max heap {} MB", settings.apiUrl(),
                settings.pollCron(), settings.perPage(), sink.name(), Runtime.version().feature(),
                Runtime.getRuntime().maxMemory() >> 20);

        Registry registry = context.getRegistry();
        registry.bind("haloTokens", tokens);
        registry.bind("haloApi", api);
        registry.bind("eventCursor", cursor);
        registry.bind("deliveredEvents", delivered);
        registry.bind("eventSink", sink);
        registry.bind("eventId", new EventId());
        registry.bind("catchUpProgress", progress);
        registry.bind("connectorMetrics", metrics);
        registry.bind("connectorHealth", health); // found by Camel's health registry: /observe/health/ready
        registry.bind("openPollWindow", new OpenPollWindow(cursor, progress, clock, settings.pollLag(),
                settings.perPage(), settings.maxResults()));
        int concurrency = props.getInt("halo.fetch.concurrency", 4, 1, 32);
        ExecutorService fetchers = Executors.newFixedThreadPool(concurrency, daemonThreads("halo-fetch-"));
        registry.bind("fetchEventPage", new FetchEventPage(api,
                new Backoff(min(Duration.ofSeconds(1), settings.retryMaxDelay()), settings.retryMaxDelay()), settings.retryMaxAttempts(), health, metrics, fetchers, new ConcurrencyLimit(concurrency)));
        registry.bind("commitPage", new CommitPage(sink, cursor, progress, metrics));
        registry.bind("reportPollFailure", new ReportPollFailure(cursor, sink, health));
        // stopped after the routes: the output and the state lock close last
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                fetchers.shutdownNow();
                try {
                    sink.close();
                } finally {
                    store.close();
                }
            }
        });
    }

    static EventSink createSink(ConnectorSettings settings, PropertyLookup props, HecObserver hecObserver) throws Exception {
        return switch (settings.output()) {
            case "file" -> new RollingFileEventSink(settings.fileDir(), settings.fileMaxBytes(), Clock.systemUTC());
            case "hec" -> new HecEventSink(HecSettings.from(props), settings.stateDir(), hecObserver);
            default -> new StdoutEventSink(StdoutEventSink.standardOutput());
        };
    }

    /** The registry /observe/metrics serves: camel-micrometer-prometheus's if it made one already, else ours for it to find. */
    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry existing = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, created);
        return created;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
