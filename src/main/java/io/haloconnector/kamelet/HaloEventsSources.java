package io.haloconnector.kamelet;

import io.haloconnector.account.HaloAccount;
import io.haloconnector.account.HaloAccounts;
import io.haloconnector.account.AccountPoll;
import io.haloconnector.connector.ConnectorConfiguration;
import io.haloconnector.config.AccountSettings;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorProperty;
import io.haloconnector.config.ConnectorPropertyDefaults;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.config.SecretFrom;
import io.haloconnector.output.EventConverters;
import io.haloconnector.poll.EventId;
import io.haloconnector.poll.NewEventsOfPage;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the instances of the {@code halo-events-source} Kamelet in one Camel context share: the
 * context's {@code halo.*} settings (read once, with their documented defaults), camel-http's
 * timeouts, the type converters of the pages, the request routes every instance's token and page
 * requests go through, and the accounts (each name, key id and state folder once). Made when the
 * first instance opens its account ({@link HaloEventsSourcePlugin} binds it lazily), so a context
 * that does not use the Kamelet opens nothing.
 */
public final class HaloEventsSources {
    /** The registry name of the shared part, as the Kamelet's bean {@code haloSource} names it. */
    public static final String BEAN = "haloEventsSources";
    /** What the Kamelet's checkpoints record as their output: the host's route after the Kamelet. */
    public static final String OUTPUT = "kamelet";
    static final String PAGE_REQUESTS = "direct:halo-events-source-page";
    static final String REQUEST_ROUTES = "classpath:io/haloconnector/routes/halo-events-source-requests.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(HaloEventsSources.class);

    private final CamelContext context;
    private final HaloAccounts accounts;
    private final PropertyLookup props;
    private final Clock clock;

    private HaloEventsSources(CamelContext context, HaloAccounts accounts, PropertyLookup props, Clock clock) {
        this.context = context;
        this.accounts = accounts;
        this.props = props;
        this.clock = clock;
    }

    /** Reads the halo.* settings and adds the shared request routes: at the first instance's start. */
    static HaloEventsSources start(CamelContext context) {
        try {
            Clock clock = Clock.systemUTC();
            // the shared request routes read some settings as placeholders ({{halo.retry.maxAttempts}}); the plugin added their defaults
            ConnectorPropertyDefaults.addTo(context);
            PropertyLookup props = ConnectorConfiguration.propertyLookup(context);
            ConnectorSettings read = ConnectorSettings.from(props, clock);
            // the folders and the output are each instance's own: halo.state.dir and halo.output do not apply
            ConnectorSettings settings = new ConnectorSettings(read.pollCron(), read.perPage(), OUTPUT, read.stateDir(),
                    read.fileDir(), read.fileMaxBytes(), read.pollLag(), read.pollOverlap(), read.maxResults(),
                    read.retryMaxAttempts(), read.retryMaxDelay(), read.apiTimeout());
            ConnectorConfiguration.limitHaloRequests(context, settings.apiTimeout());
            EventConverters.registerIn(context.getTypeConverterRegistry());
            // one page at a time per instance: the host's route returns before the next page is handed over
            HaloAccounts accounts = new HaloAccounts(context, settings, props, meterRegistry(context), null,
                    AdaptiveConcurrency.pinned(1), clock).requestingThrough(PAGE_REQUESTS);
            accounts.bindRequestSteps(context.getRegistry());
            // the template's event id expression and its split's page batch
            context.getRegistry().bind("eventId", new EventId());
            context.getRegistry().bind("newEventsOfPage", new NewEventsOfPage());
            addRequestRoutesOnceStarted(context);
            // stopped after the routes: each instance's request threads end and its checkpoint closes
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    accounts.close();
                }
            });
            LOG.debug("halo-events-source: {} events a page, request routes added", settings.perPage());
            return new HaloEventsSources(context, accounts, props, clock);
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the halo-events-source Kamelet cannot start: " + e.getMessage(), e);
        }
    }

    /**
     * Routes added while the context starts its routes would not be started: the request routes are
     * added once it has (an instance's first requests wait on the direct endpoint until then).
     */
    private static void addRequestRoutesOnceStarted(CamelContext context) {
        AtomicBoolean added = new AtomicBoolean();
        Runnable add = () -> {
            if (added.compareAndSet(false, true)) {
                try {
                    PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveMandatoryResource(context, REQUEST_ROUTES));
                } catch (Exception e) {
                    throw new IllegalStateException("the halo-events-source request routes (" + REQUEST_ROUTES + ") did not load: " + e, e);
                }
            }
        };
        try {
            context.addStartupListener(new ExtendedStartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                    if (alreadyStarted) {
                        add.run();
                    }
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                    add.run();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("the halo-events-source request routes cannot be added: " + e, e);
        }
    }

    /**
     * The Kamelet template's bean {@code haloSource}: opens one instance's account, its checkpoint
     * in {@code stateDir}. Blank optional parameters are unset.
     *
     * @param apiSecretFrom the environment variable, or else the property, that holds the API key secret
     */
    public static AccountPoll open(HaloEventsSources sources, String account, String apiUrl, String apiKey,
                                        String apiSecretFrom, String stateDir, String start) {
        return sources.open(account, apiUrl, apiKey, apiSecretFrom, stateDir, start);
    }

    private AccountPoll open(String account, String apiUrl, String apiKey, String apiSecretFrom, String stateDir,
                                  String start) {
        String folder = stateDir == null ? "" : stateDir.trim();
        if (folder.isEmpty()) {
            throw new ConfigurationException("halo-events-source account " + account + ": stateDir is not set: give the"
                    + " folder of the account's checkpoint");
        }
        AccountSettings settings = AccountSettings.of(AccountSettings.Origin.KAMELET, account, apiKey, SecretFrom.read(context, apiSecretFrom), apiUrl, start, null, null, null, null,
                props.getBoolean(ConnectorProperty.HALO_API_ALLOW_PLAIN_HTTP), clock);
        HaloAccount opened = accounts.openInstance(settings, Path.of(folder));
        // a host that removes the instance's route (route reloading, dev tools) frees the account name, key and checkpoint lock
        return new AccountPoll(opened, () -> accounts.release(opened));
    }

    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry existing = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        // a host without camel-micrometer's registry: the instances' meters are kept, not served
        return existing != null ? existing : new SimpleMeterRegistry();
    }
}
