package io.haloconnector.connector;

import io.haloconnector.account.HaloAccounts;
import io.haloconnector.cluster.PollerLeadership;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorPropertyDefaults;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.hec.HecSettings;
import io.haloconnector.config.HttpComponentDefaults;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.kafka.KafkaSettings;
import io.haloconnector.config.ManagementEndpoint;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.config.SettingSources;
import io.haloconnector.console.ConnectorConsoles;
import io.haloconnector.console.HaloDevConsole;
import io.haloconnector.syslog.SyslogSettings;
import io.haloconnector.hec.HecDelivery;
import io.haloconnector.hec.HecObserver;
import io.haloconnector.http.RequestDeadlines;
import io.haloconnector.kafka.KafkaOutput;
import io.haloconnector.observe.ConnectorMeterRegistry;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.observe.HealthEndpoint;
import io.haloconnector.output.EventConverters;
import io.haloconnector.output.OutputFailure;
import io.haloconnector.poll.ConnectorStopping;
import io.haloconnector.poll.EventId;
import io.haloconnector.poll.BackfillWindow;
import io.haloconnector.poll.LateOutputErrors;
import io.haloconnector.poll.NewEventsOfPage;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.haloconnector.state.StateDatabase;
import io.haloconnector.syslog.SyslogOutput;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.CompositeHttpConfigurer;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
        // the table's defaults answer the routes' placeholders the user left absent or blank
        ConnectorPropertyDefaults.addTo(context);
        PropertyLookup props = propertyLookup(context);
        // a feature whose optional library is missing: one line, before any class of it is touched
        new OptionalDependencies().check(context, props);
        SettingSources.log(context, SettingSources.PACKED_DEFAULTS);
        ConnectorSettings settings = ConnectorSettings.from(props, clock);
        // a backfill's run (the backfill command binds its window) keeps its state and event files in folders of its own
        BackfillWindow backfill = context.getRegistry().lookupByNameAndType(BackfillWindow.BEAN, BackfillWindow.class);
        if (backfill != null) {
            settings = settings.withFolders(backfill.stateDir(settings.stateDir()), backfill.fileDir(settings.fileDir()));
        }
        ManagementEndpoint management = ManagementEndpoint.from(props);
        if (management != null) {
            management.checkPortFree();
        }
        // halo.api.timeout bounds every Halo request: camel-http 4.18 takes timeouts on the component only
        // (an optimised toD drops endpoint ones), in milliseconds
        limitHaloRequests(context, settings.apiTimeout());
        MeterRegistry meters = meterRegistry(context);
        Registry registry = context.getRegistry();
        EventConverters.registerIn(context.getTypeConverterRegistry());

        // halo.state.store: a checkpoint per account in halo.state.dir (default) or in PostgreSQL
        JdbcStateSettings jdbc = JdbcStateSettings.selected(props) ? JdbcStateSettings.from(props) : null;
        // each node's own checkpoint file would start the account over on every takeover: events repeated
        if (jdbc == null && PollerLeadership.clusterService(context).isPresent()) {
            throw new ConfigurationException("a cluster service (camel.beans.*) needs the checkpoint shared by the"
                    + " nodes: set halo.state.store=jdbc, or remove the cluster service to run one node");
        }
        StateDatabase database = jdbc == null ? null : StateDatabase.open(jdbc);
        List<AutoCloseable> outputs = new ArrayList<>();
        AtomicReference<HaloAccounts> accounts = new AtomicReference<>();
        HecObserver hecObserver = ConnectorMetrics.hecObserver(meters, why -> {
            if (accounts.get() != null) {
                accounts.get().outputUnavailable(why);
            }
        });
        AdaptiveConcurrency outputPages;
        try {
            outputPages = bindOutput(context, settings, props, hecObserver, outputs);
        } catch (Exception e) {
            if (database != null) {
                database.close();
            }
            throw e;
        }
        ConnectorMetrics.outputLimit(meters, outputPages, AdaptiveConcurrency::current, AdaptiveConcurrency::max);
        accounts.set(new HaloAccounts(context, settings, props, meters, database, outputPages, clock, backfill));
        LOG.info("Output {}, {} events a page; Java {}, max heap {} MB", settings.output(), settings.perPage(),
                Runtime.version().feature(), Runtime.getRuntime().maxMemory() >> 20);
        if (management != null) {
            LOG.info("Health and metrics at {}", management.describe());
            if (props.getBoolean("camel.management.healthCheckEnabled", false)) {
                HealthEndpoint.install(context, management);
            }
        }
        // camel.main.devConsoleEnabled: the context's consoles are the connector's own only
        boolean consoles = context.isDevConsole() || props.getBoolean("camel.main.devConsoleEnabled", false);
        if (consoles) {
            ConnectorConsoles.install(context);
            if (management != null && props.getBoolean("camel.management.devConsoleEnabled", false)) {
                LOG.info("Console at {}", management.url("/q/dev/" + HaloDevConsole.ID));
            }
        }
        // the steps of the halo-account template and of the request routes, each run by the exchange's account
        accounts.get().bindSteps(registry);
        // an events query edited in the YAML is refused as the routes load; the schedule is said as they run it
        new RoutesAsLoaded(settings.perPage()).watch(context);
        registry.bind("eventId", new EventId());
        registry.bind("newEventsOfPage", new NewEventsOfPage());
        registry.bind("lateOutputErrors", new LateOutputErrors());
        // stopped after the routes: the output, the accounts' checkpoints and the state database close last
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                try {
                    for (AutoCloseable output : outputs) {
                        output.close();
                    }
                } finally {
                    try {
                        accounts.get().close();
                    } finally {
                        if (database != null) {
                            database.close();
                        }
                    }
                }
            }
        });
    }

    /** camel-http's defaults for the Halo requests, and halo.api.timeout on each of them (also the Kamelet's). */
    public static void limitHaloRequests(CamelContext context, Duration apiTimeout) {
        HttpComponentDefaults.applyTo(context);
        // HttpClient's timeouts bound each wait for a byte; this bounds the whole request, body included
        HttpClientConfigurer wholeRequest = RequestDeadlines.of(context).limit(apiTimeout, "halo.api.timeout");
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setConnectTimeout(apiTimeout.toMillis());
            http.setResponseTimeout(apiTimeout.toMillis());
            http.setSoTimeout(apiTimeout.toMillis());
            http.setHttpClientConfigurer(http.getHttpClientConfigurer() == null ? wholeRequest
                    : CompositeHttpConfigurer.combineConfigurers(http.getHttpClientConfigurer(), wholeRequest));
        }
    }

    /** The connector's lookup of a setting: blank counts as absent. */
    public static PropertyLookup propertyLookup(CamelContext context) {
        return name -> context.getPropertiesComponent().resolveProperty(name).map(String::trim).filter(value -> !value.isEmpty());
    }

    /**
     * The beans of the selected output route; the file output first cuts off what the last run wrote
     * after its commit. Returns how many pages the output takes at once: up to hec.maxInFlight for HEC
     * (following its round-trip time, 503 and 429), one for the others (a file or stdout is written in page order, and
     * a user's own route on direct:halo-output may not take two exchanges at once).
     */
    static AdaptiveConcurrency bindOutput(CamelContext context, ConnectorSettings settings, PropertyLookup props,
                                       HecObserver hecObserver, List<AutoCloseable> closeOnStop)
            throws Exception {
        Registry registry = context.getRegistry();
        // a failed page's line names the receiver and the setting to check (HEC's failures already do)
        OutputFailure outputFailure = OutputFailure.asItIs();
        try {
            switch (settings.output()) {
                case "file" -> {
                    // bound with the account, whose checkpoint holds the files' committed position (HaloAccounts)
                    outputFailure = OutputFailure.file(settings.fileDir());
                }
                case "hec" -> {
                    HecDelivery hec = HecDelivery.bind(context, HecSettings.from(props), settings.stateDir(), hecObserver);
                    // a stop sends no retry: the pages handed over finish with the batches they have
                    ConnectorStopping.of(context).onStop(hec::stopRetries);
                    closeOnStop.add(hec);
                }
                case "kafka" -> {
                    KafkaSettings kafka = KafkaSettings.from(props);
                    KafkaOutput.bind(context, kafka);
                    outputFailure = OutputFailure.kafka(kafka.brokers());
                }
                case "syslog" -> {
                    SyslogSettings syslog = SyslogSettings.from(props);
                    SyslogOutput.bind(context, syslog, meterRegistry(context));
                    outputFailure = OutputFailure.syslog(syslog.host(), syslog.port(), syslog.protocol().equals("tls"));
                }
                default -> {
                    // stdout: the route's stream:out needs no bean
                }
            }
        } catch (java.io.IOException e) {
            throw new ConfigurationException("the output cannot start: " + e);
        }
        registry.bind("outputFailure", outputFailure);
        AdaptiveConcurrency pages = "hec".equals(settings.output())
                ? registry.lookupByNameAndType("hecDelivery", HecDelivery.class).pagesInFlight() : AdaptiveConcurrency.pinned(1);
        // the output page route's consumers, {{bean:outputPages.max}}: as many as the most pages in flight
        registry.bind("outputPages", pages);
        return pages;
    }

    /** The registry /observe/metrics serves: camel-micrometer-prometheus's if it made one already, else ours for it to find. */
    private static MeterRegistry meterRegistry(CamelContext context) {
        return ConnectorMeterRegistry.of(context);
    }
}
