package io.haloconnector.app;

import io.haloconnector.cluster.PollerLeadership;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorProperty;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.HecSettings;
import io.haloconnector.config.HttpComponentDefaults;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.config.KafkaSettings;
import io.haloconnector.config.ManagementEndpoint;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.config.SyslogSettings;
import io.haloconnector.halo.HaloEventsAnswer;
import io.haloconnector.halo.HaloTokenProvider;
import io.haloconnector.hec.HecDelivery;
import io.haloconnector.hec.HecObserver;
import io.haloconnector.http.RequestDeadlines;
import io.haloconnector.kafka.KafkaOutput;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.EventConverters;
import io.haloconnector.output.RollingEventFiles;
import io.haloconnector.poll.CatchUpProgress;
import io.haloconnector.poll.EventId;
import io.haloconnector.poll.FetchEventPage;
import io.haloconnector.poll.NewEventsOfPage;
import io.haloconnector.poll.OpenPollWindow;
import io.haloconnector.poll.PageBatchHeaders;
import io.haloconnector.poll.PageRequestRetry;
import io.haloconnector.poll.PagesInFlight;
import io.haloconnector.poll.ReportPollFailure;
import io.haloconnector.poll.SortedAnswers;
import io.haloconnector.poll.SetAsideBadEvents;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.retry.RequestPacer;
import io.haloconnector.state.CheckpointOpening;
import io.haloconnector.state.CheckpointStore;
import io.haloconnector.state.DeliveredEvents;
import io.haloconnector.state.EventCursor;
import io.haloconnector.state.FileCheckpointStore;
import io.haloconnector.state.HaloDeadLetters;
import io.haloconnector.state.JdbcCheckpointStore;
import io.haloconnector.state.StateDatabase;
import io.haloconnector.state.StateUnavailableException;
import io.haloconnector.syslog.SyslogOutput;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.http.CompositeHttpConfigurer;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.impl.engine.DefaultProducerTemplate;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        // the routes read some settings as placeholders: their defaults come from the one table, so a
        // runtime that loads no application.properties of ours still resolves them
        for (ConnectorProperty property : ConnectorProperty.values()) {
            if (context.getPropertiesComponent().resolveProperty(property.property()).isEmpty()) {
                property.defaultValue().ifPresent(value -> context.getPropertiesComponent().addInitialProperty(property.property(), value));
            }
        }
        ConnectorSettings settings = ConnectorSettings.from(props, clock);
        ManagementEndpoint management = ManagementEndpoint.from(props);
        if (management != null) {
            management.checkPortFree();
        }
        int maxEventBytes = props.getInt(ConnectorProperty.HALO_EVENT_MAX_BYTES);
        SetAsideBadEvents.Mode badEvents = props.getOneOf(ConnectorProperty.HALO_DEAD_LETTER).equals("stop")
                ? SetAsideBadEvents.Mode.STOP : SetAsideBadEvents.Mode.SET_ASIDE;
        // only a start the user set can be wrong: the default is the retention itself
        if (settings.startConfigured() && settings.start().isBefore(clock.instant().minus(ConnectorSettings.RETENTION))) {
            LOG.warn("halo.start={} is older than Halo's 90-day retention: the oldest events are gone", settings.start());
        }

        // the routes' endpoints take the URLs as validated (no trailing slash, no /services/collector suffix)
        context.getPropertiesComponent().addOverrideProperty("halo.api.url", settings.apiUrl().toString().replaceAll("/+$", ""));
        // halo.api.timeout bounds every Halo request: camel-http 4.18 takes timeouts on the component only
        // (an optimised toD drops endpoint ones), in milliseconds
        HttpComponentDefaults.applyTo(context);
        // HttpClient's timeouts bound each wait for a byte; this bounds the whole request, body included
        HttpClientConfigurer wholeRequest = RequestDeadlines.of(context).limit(settings.apiTimeout(), "halo.api.timeout");
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setConnectTimeout(settings.apiTimeout().toMillis());
            http.setResponseTimeout(settings.apiTimeout().toMillis());
            http.setSoTimeout(settings.apiTimeout().toMillis());
            http.setHttpClientConfigurer(http.getHttpClientConfigurer() == null ? wholeRequest
                    : CompositeHttpConfigurer.combineConfigurers(http.getHttpClientConfigurer(), wholeRequest));
        }
        ConnectorMetrics metrics = new ConnectorMetrics(meterRegistry(context));
        ConnectorHealth health = new ConnectorHealth();
        Registry registry = context.getRegistry();
        EventConverters.registerIn(context.getTypeConverterRegistry());

        // halo.state.store: the checkpoint in halo.state.dir (default) or in PostgreSQL
        JdbcStateSettings jdbc = JdbcStateSettings.selected(props) ? JdbcStateSettings.from(props) : null;
        // each node's own checkpoint file would start the account over on every takeover: events repeated
        if (jdbc == null && PollerLeadership.clusterService(context).isPresent()) {
            throw new ConfigurationException("a cluster service (camel.beans.*) needs the checkpoint shared by the"
                    + " nodes: set halo.state.store=jdbc, or remove the cluster service to run one node");
        }
        StateDatabase database = jdbc == null ? null : StateDatabase.open(jdbc);
        CheckpointStore store = jdbc == null ? new FileCheckpointStore(settings.stateDir())
                : new JdbcCheckpointStore(database, jdbc.stateKey());
        DeliveredEvents delivered = new DeliveredEvents();
        EventCursor cursor = new EventCursor(store, delivered, settings.pollOverlap(), settings.output());
        CheckpointOpening opening = new CheckpointOpening(() -> {
            if (database != null) {
                database.migrate();
            }
            cursor.open(settings.start(), settings.startConfigured());
            cursor.refuseCursorAfter(clock.instant());
        });
        List<AutoCloseable> outputs = new ArrayList<>();
        HaloDeadLetters deadLetters;
        ConcurrencyLimit outputPages;
        try {
            try {
                opening.open();
            } catch (StateUnavailableException e) {
                if (settings.output().equals("file")) {
                    opening.openWaiting(Duration.ofSeconds(5)); // the file output cuts off what the last run wrote past its commit first
                } else {
                    // started without it: each poll tries again first (one ERROR line each, readiness down)
                    LOG.error("{}: the connector starts and each poll tries again", e.getMessage());
                }
            }
            deadLetters = deadLetters(settings);
            outputPages = bindOutput(context, settings, props, metrics.hecObserver(health), cursor, outputs);
        } catch (Exception e) {
            store.close();
            throw e;
        }
        metrics.cursorLag(() -> opening.isOpen() ? cursor.cursor() : null, clock);
        // the account today is the state key; with a cluster service only its leader polls it
        PollerLeadership leadership = PollerLeadership.forAccount(context,
                props.getOrDefault(ConnectorProperty.HALO_STATE_KEY).trim());
        // a standby's checkpoint goes stale as the leader commits: it is read again before its first poll as leader
        leadership.onStandby(opening::reopen);
        health.pollingWhen(leadership::isActive);
        CatchUpProgress progress = new CatchUpProgress(clock,
                props.getDuration(ConnectorProperty.HALO_PROGRESS_INTERVAL));
        LOG.info("Polling Halo at {} ({}), {} events a page, output {}; Java {}, max heap {} MB", settings.apiUrl(),
                settings.pollCron(), settings.perPage(), settings.output(), Runtime.version().feature(),
                Runtime.getRuntime().maxMemory() >> 20);
        if (management != null) {
            LOG.info("Health and metrics at {}", management.describe());
        }

        int concurrency = props.getInt(ConnectorProperty.HALO_FETCH_CONCURRENCY);
        ConcurrencyLimit limit = new ConcurrencyLimit(concurrency);
        RequestPacer pacer = new RequestPacer();
        ExecutorService fetchers = Executors.newFixedThreadPool(concurrency, daemonThreads("halo-fetch-"));
        // sends the page requests (asynchronously, on the fetch threads) and the token requests
        DefaultProducerTemplate haloRequests = new DefaultProducerTemplate(context, fetchers);
        context.addService(haloRequests);
        String host = settings.apiUrl().getHost();
        HaloTokenProvider tokens = new HaloTokenProvider(haloRequests, TOKEN_REQUESTS, host, settings.apiKey(),
                settings.apiSecret(), clock, metrics);
        metrics.tokenRefreshes(tokens, HaloTokenProvider::refreshes);

        // the events request route's steps
        registry.bind("haloRequestPacing", (Processor) exchange -> pacer.acquire());
        registry.bind("haloBearerToken", tokens);
        registry.bind("haloEventsAnswer", new HaloEventsAnswer(host, tokens, metrics, pacer, limit, maxEventBytes));
        registry.bind("pageRequestRetry", new PageRequestRetry(
                new Backoff(min(Duration.ofSeconds(1), settings.retryMaxDelay()), settings.retryMaxDelay()),
                settings.retryMaxAttempts(), host, metrics));
        // the poll route's steps
        registry.bind("openPollWindow", opening.before(new OpenPollWindow(cursor, progress, clock, settings.pollLag(),
                settings.perPage(), settings.maxResults(), new SortedAnswers(settings.stateDir()))));
        registry.bind("fetchEventPage", new FetchEventPage(haloRequests, PAGE_REQUESTS, host, health, metrics, limit));
        registry.bind("setAsideBadEvents", new SetAsideBadEvents(deadLetters, metrics, badEvents));
        registry.bind("eventId", new EventId());
        registry.bind("deliveredEvents", delivered);
        registry.bind("newEventsOfPage", new NewEventsOfPage());
        registry.bind("pageBatchHeaders", new PageBatchHeaders());
        PagesInFlight pagesInFlight = new PagesInFlight(cursor, progress, metrics, outputPages);
        // ClusteredRoutePolicy drops the lead before it stops the route: the poll ends at the page boundary
        pagesInFlight.pollWhile(leadership::isActive);
        registry.bind("admitPage", pagesInFlight.admitStep());
        registry.bind("commitPages", pagesInFlight.deliveredStep());
        registry.bind("pageFailed", pagesInFlight.failedStep());
        registry.bind("awaitPagesInFlight", pagesInFlight.awaitStep());
        registry.bind("reportPollFailure", new ReportPollFailure(cursor, health));
        registry.bind("eventCursor", cursor);
        registry.bind("catchUpProgress", progress);
        registry.bind("connectorMetrics", metrics);
        registry.bind("connectorHealth", health); // found by Camel's health registry: /observe/health/ready
        registry.bind("pollerLeadership", leadership); // the poll route's routePolicy
        // stopped after the routes: the output and the state lock close last
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                fetchers.shutdownNow();
                try {
                    for (AutoCloseable output : outputs) {
                        output.close();
                    }
                } finally {
                    store.close();
                }
            }
        });
    }

    /** The endpoint the token cache sends each token request to. */
    static final String TOKEN_REQUESTS = "direct:halo-token-request";
    /** The endpoint the poll route's prefetcher sends each page request to. */
    static final String PAGE_REQUESTS = "direct:halo-events-page";

    /**
     * The beans of the selected output route; the file output first cuts off what the last run wrote
     * after its commit. Returns how many pages the output takes at once: hec.maxInFlight for HEC
     * (halved by its 503 and 429), one for the others (a file or stdout is written in page order, and
     * a user's own route on direct:halo-output may not take two exchanges at once).
     */
    static ConcurrencyLimit bindOutput(CamelContext context, ConnectorSettings settings, PropertyLookup props,
                                       HecObserver hecObserver, EventCursor cursor, List<AutoCloseable> closeOnStop)
            throws Exception {
        Registry registry = context.getRegistry();
        try {
            switch (settings.output()) {
                case "file" -> {
                    RollingEventFiles files = new RollingEventFiles(settings.fileDir(), settings.fileMaxBytes(), Clock.systemUTC());
                    files.recover(cursor.committedOutputPosition());
                    registry.bind("eventFileName", files.nameStep(cursor::committedOutputPosition));
                    registry.bind("eventFileSync", files.syncStep());
                }
                case "hec" -> closeOnStop.add(HecDelivery.bind(context, HecSettings.from(props), settings.stateDir(), hecObserver));
                case "kafka" -> KafkaOutput.bind(context, KafkaSettings.from(props));
                case "syslog" -> SyslogOutput.bind(context, SyslogSettings.from(props));
                default -> {
                    // stdout: the route's stream:out needs no bean
                }
            }
        } catch (java.io.IOException e) {
            throw new ConfigurationException("the file output cannot use halo.file.dir=" + settings.fileDir() + ": " + e);
        }
        ConcurrencyLimit pages = "hec".equals(settings.output())
                ? registry.lookupByNameAndType("hecDelivery", HecDelivery.class).pagesInFlight() : new ConcurrencyLimit(1);
        // the output page route's consumers: as many as the most pages in flight
        context.getPropertiesComponent().addOverrideProperty("halo.output.maxInFlight", Integer.toString(pages.max()));
        return pages;
    }

    /** The Halo dead-letter file, with the events it already holds. */
    private static HaloDeadLetters deadLetters(ConnectorSettings settings) {
        try {
            return new HaloDeadLetters(settings.stateDir());
        } catch (java.io.IOException e) {
            throw new ConfigurationException("the dead-letter file in halo.state.dir=" + settings.stateDir()
                    + " cannot be read: " + e);
        }
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
