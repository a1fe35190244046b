package io.haloconnector.account;

import io.haloconnector.cluster.PollerLeadership;
import io.haloconnector.config.AccountSettings;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorProperty;
import io.haloconnector.config.SecretFrom;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.halo.HaloEventsAnswer;
import io.haloconnector.halo.HaloTokenProvider;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.PageHeaders;
import io.haloconnector.output.RollingEventFiles;
import io.haloconnector.poll.BackfillWindow;
import io.haloconnector.poll.CatchUpProgress;
import io.haloconnector.poll.ConnectorStopping;
import io.haloconnector.poll.FetchEventPage;
import io.haloconnector.poll.OpenPollWindow;
import io.haloconnector.poll.OutputBackoff;
import io.haloconnector.poll.PageBatchHeaders;
import io.haloconnector.poll.PageRequestRetry;
import io.haloconnector.poll.PagesInFlight;
import io.haloconnector.poll.ReportPollFailure;
import io.haloconnector.poll.SetAsideBadEvents;
import io.haloconnector.poll.SortedAnswers;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.haloconnector.retry.ConcurrencyLimit;
import io.haloconnector.retry.RequestPacer;
import io.haloconnector.state.Checkpoint;
import io.haloconnector.state.CheckpointOpening;
import io.haloconnector.state.CheckpointStore;
import io.haloconnector.state.DeliveredEvents;
import io.haloconnector.state.EventCursor;
import io.haloconnector.state.FileCheckpointStore;
import io.haloconnector.state.HaloDeadLetters;
import io.haloconnector.state.JdbcCheckpointStore;
import io.haloconnector.state.StateDatabase;
import io.haloconnector.state.StateUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.engine.DefaultProducerTemplate;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Halo accounts of this connector, one per {@code templatedRoute} of the {@code halo-account}
 * template, and what they share: the context, the {@code halo.*} settings, the state database and
 * the output's pages-in-flight limit. Binds the steps of the routes the accounts share
 * ({@link #bindSteps}), opens each account as the template makes its route ({@link #open}: its bean), and
 * refuses at start an account that repeats another's name, state key or API key id. In a backfill's
 * run ({@link BackfillWindow}) only the backfill's account is opened, with the backfill's window and
 * checkpoint and without cluster leadership; the other accounts of the routes are only named.
 */
public final class HaloAccounts {
    /** The endpoint the poll route's prefetchers send each page request to. */
    public static final String PAGE_REQUESTS = "direct:halo-events-page";
    private static final Logger LOG = LoggerFactory.getLogger(HaloAccounts.class);

    private final CamelContext context;
    private final ConnectorSettings settings;
    private final PropertyLookup props;
    private final MeterRegistry meters;
    private final StateDatabase database;
    private final AdaptiveConcurrency outputPages;
    private final Clock clock;
    // the backfill this run is, or null for the live connector
    private final BackfillWindow backfill;
    private final Map<String, HaloAccount> accounts = new LinkedHashMap<>();
    private final Map<String, String> stateKeys = new HashMap<>();
    private final Map<String, String> keyIds = new HashMap<>();
    private final Map<String, PollerLeadership> leaderships = new HashMap<>();
    // what an account registered in the context beside itself, undone when a Kamelet instance's account is released
    private final Map<String, Runnable> unregister = new HashMap<>();
    private volatile String outputProblem;
    // pages requested ahead by all accounts together: a node of many accounts catching up at once
    // holds (2 x halo.fetch.concurrency + one per account) pages, not halo.fetch.concurrency each
    private final Semaphore pagesAhead;
    // the output is shared: its failures hold back every account's polls
    private final OutputBackoff outputBackoff;
    private final ConnectorStopping stopping;
    // the file output's steps, made with the one account whose checkpoint holds the files' position
    private volatile Processor eventFileName;
    private volatile Processor eventFileSync;
    // where the prefetchers send their page requests: the Kamelet's shared routes have their own
    private volatile String pageRequests = PAGE_REQUESTS;

    /**
     * @param database    the state database with halo.state.store=jdbc, else null (a checkpoint file per account)
     * @param outputPages pages the output takes at once, shared by the accounts
     */
    public HaloAccounts(CamelContext context, ConnectorSettings settings, PropertyLookup props, MeterRegistry meters,
                        StateDatabase database, AdaptiveConcurrency outputPages, Clock clock) {
        this(context, settings, props, meters, database, outputPages, clock, null);
    }

    /** @param backfill the backfill this run is, or null for the live connector */
    public HaloAccounts(CamelContext context, ConnectorSettings settings, PropertyLookup props, MeterRegistry meters,
                        StateDatabase database, AdaptiveConcurrency outputPages, Clock clock, BackfillWindow backfill) {
        this.backfill = backfill;
        this.context = context;
        this.settings = settings;
        this.props = props;
        this.meters = meters;
        this.database = database;
        this.outputPages = outputPages;
        this.clock = clock;
        this.pagesAhead = new Semaphore(2 * props.getInt(ConnectorProperty.HALO_FETCH_CONCURRENCY));
        this.outputBackoff = new OutputBackoff(backoff(settings.retryMaxDelay()));
        this.stopping = ConnectorStopping.of(context);
    }

    /**
     * The {@code halo-account} template's local bean {@code haloAccount}: opens the account its
     * {@code templatedRoute} describes (blank parameters are unset).
     *
     * @param secretFrom the environment variable, or else the property, that holds the API key secret:
     *                   the secret itself never passes through route text, which Camel logs at DEBUG
     */
    public static AccountPoll open(HaloAccounts accounts, String name, String key, String secretFrom, String url,
                                        String start, String stateKey, String index, String source, String sourcetype) {
        BackfillWindow backfill = accounts.backfill;
        if (backfill != null) {
            backfill.accountInRoutes(name.trim());
            if (!backfill.account().equals(name.trim())) {
                // another account's key, secret and checkpoint are not this run's business: not even checked
                return new AccountPoll(HaloAccount.notPolled(name.trim()));
            }
        }
        AccountSettings account = AccountSettings.of(name, key, accounts.secret(secretFrom), url, start, stateKey, index, source,
                sourcetype, accounts.props.getBoolean(ConnectorProperty.HALO_API_ALLOW_PLAIN_HTTP), accounts.clock);
        return new AccountPoll(accounts.open(backfill == null ? account
                : account.backfilling(backfill.since(), backfill.stateKey())));
    }

    /** The value of the environment variable {@code from}, or else of the property {@code from} (which may come from the environment too). */
    private String secret(String from) {
        return SecretFrom.read(context, from);
    }

    /**
     * The {@code halo-account} template's local bean {@code pollerLeadership}, its poll route's
     * policy: with a cluster service only the node leading the account polls it.
     */
    public static PollerLeadership leadership(HaloAccounts accounts, String name) {
        return accounts.leadership(name.trim());
    }

    private synchronized PollerLeadership leadership(String name) {
        return leaderships.computeIfAbsent(name, account -> {
            if (backfill != null) {
                // the live connector's leader polls the account on: a backfill beside it takes no part in the election
                return PollerLeadership.unclustered(account);
            }
            try {
                return PollerLeadership.forAccount(context, account);
            } catch (Exception e) {
                throw new IllegalStateException("the cluster service for account " + account + " did not start: " + e, e);
            }
        });
    }

    /**
     * Binds what the YAML routes name besides each account's own bean: the steps of the routes every
     * account shares, which run for the account on the exchange, and the trigger's poll queues.
     */
    public void bindSteps(Registry registry) {
        registry.bind("haloAccounts", this);
        bindRequestSteps(registry);
        if ("file".equals(settings.output())) {
            // the output route is made before the account routes: its steps find the account's files when they run
            registry.bind("eventFileName", (Processor) exchange -> fileStep(eventFileName).process(exchange));
            registry.bind("eventFileSync", (Processor) exchange -> fileStep(eventFileSync).process(exchange));
        }
        // the trigger routes' recipient list: every account's poll queue
        registry.bind("accountPollQueues", (Expression) new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return pollQueues();
            }
        });
    }

    /** Sends the accounts' page requests to this endpoint (the Kamelet's shared request routes). */
    public HaloAccounts requestingThrough(String pages) {
        this.pageRequests = pages;
        return this;
    }

    /** Binds the steps of the shared routes (requests, output page): each runs the account on the exchange. */
    public void bindRequestSteps(Registry registry) {
        registry.bind(AccountOnExchange.BEAN, new AccountOnExchange());
        // the token request's enrich: the account's token cache keeps the answer and sets the bearer token
        registry.bind("tokenAnswer", (AggregationStrategy) (request, answer) ->
                AccountOnExchange.of(request).tokens.aggregate(request, answer));
        // the request retries' onExceptionOccurredRef, which names a Processor
        registry.bind("pageRequestRetry", (Processor) exchange -> AccountOnExchange.of(exchange).pageRequestRetry.process(exchange));
    }

    /** The seda queue of each account's poll route, in the order the accounts were opened. */
    public synchronized List<String> pollQueues() {
        List<String> queues = new ArrayList<>();
        for (String name : accounts.keySet()) {
            queues.add("seda:halo-poll-" + name + "?size=1&discardWhenFull=true&purgeWhenStopping=true&pollTimeout=200");
        }
        return queues;
    }

    /** The accounts opened so far, in order. */
    public synchronized List<HaloAccount> all() {
        return List.copyOf(accounts.values());
    }

    /** The output does not take events, for this reason (null when it does again): every account's readiness says so. */
    public void outputUnavailable(String why) {
        outputProblem = why;
        all().forEach(account -> account.health().outputUnavailable(why));
    }

    /**
     * Opens one account: its checkpoint, token cache, request threads, metrics and health entry.
     * An account that cannot open fails the start, so the accounts opened before it are closed
     * too: their state locks are released whether or not the runtime stops what it started.
     */
    public synchronized HaloAccount open(AccountSettings account) {
        return open(account, (Path) null);
    }

    /**
     * Opens one account with its state in {@code stateDir} (a Kamelet instance's own folder), or in
     * the folder {@link #stateDir} gives when null.
     */
    public synchronized HaloAccount open(AccountSettings account, Path stateDir) {
        try {
            return openChecked(account, stateDir);
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            accounts.clear();
            stateKeys.clear();
            keyIds.clear();
            throw e;
        }
    }

    /**
     * Opens the account of one Kamelet instance, with its state in {@code stateDir}. An instance
     * that cannot open fails alone: the instances already running go on.
     */
    public synchronized HaloAccount openInstance(AccountSettings account, Path stateDir) {
        boolean named = accounts.containsKey(account.name());
        try {
            return openChecked(account, stateDir);
        } catch (RuntimeException e) {
            if (!named) {
                // what this instance took before it failed is free again
                stateKeys.values().removeIf(account.name()::equals);
                keyIds.values().removeIf(account.name()::equals);
                Runnable undo = unregister.remove(account.name());
                if (undo != null) {
                    undo.run();
                }
            }
            throw e;
        }
    }

    /**
     * Closes the account of a Kamelet instance whose route was removed: its request threads end, its
     * checkpoint (and lock) closes, its health check and meters go, and its name, key and state key
     * are free for an instance added again.
     */
    public synchronized void release(HaloAccount account) {
        String name = account.settings().name();
        if (accounts.get(name) != account) {
            return;
        }
        accounts.remove(name);
        stateKeys.remove(account.settings().stateKey());
        keyIds.remove(account.settings().key());
        leaderships.remove(name);
        try {
            account.close();
        } finally {
            Runnable undo = unregister.remove(name);
            if (undo != null) {
                undo.run();
            }
        }
    }

    private HaloAccount openChecked(AccountSettings account, Path ownStateDir) {
        refuseRepeats(account);
        // only a start the user set can be wrong: the default is the retention itself
        if (account.startConfigured() && account.start().isBefore(clock.instant().minus(ConnectorSettings.RETENTION))) {
            LOG.warn("{}={} is older than Halo's 90-day retention: the oldest events are gone", account.startSetting(),
                    account.start());
        }
        if ("file".equals(settings.output()) && !accounts.isEmpty()) {
            // the file output's position is committed with one account's checkpoint, which recovers the files at start
            throw new ConfigurationException("halo.output=file takes the events of one account, and account "
                    + account.name() + " is a second: use one connector (state folder) per account, or another output");
        }
        // a backfill's run has a state folder of its own (ConnectorConfiguration) and keeps it itself
        Path stateDir = ownStateDir != null ? ownStateDir
                : backfill != null ? settings.stateDir() : stateDir(settings, account.name(), account.stateKey());
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new ConfigurationException("the state folder " + stateDir + " of account " + account.name()
                    + " cannot be made: " + e.getMessage() + "; check halo.state.dir");
        }
        CheckpointStore store = database == null ? new FileCheckpointStore(stateDir)
                : new JdbcCheckpointStore(database, account.stateKey());
        try {
            HaloAccount opened = open(account, stateDir, store);
            accounts.put(account.name(), opened);
            return opened;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private HaloAccount open(AccountSettings account, Path stateDir, CheckpointStore store) {
        DeliveredEvents delivered = new DeliveredEvents();
        EventCursor cursor = new EventCursor(store, delivered, settings.pollOverlap(), settings.output());
        AtomicBoolean forgotten = new AtomicBoolean();
        CheckpointOpening opening = new CheckpointOpening(() -> {
            if (database != null) {
                database.migrate();
            }
            cursor.open(account.start(), account.startConfigured());
            if (backfill != null && backfill.again() && !forgotten.get()) {
                // --again: what an earlier run of this window did is forgotten, once, and the window read whole again
                store.save(Checkpoint.firstRun(account.start()));
                cursor.open(account.start(), account.startConfigured());
                forgotten.set(true);
            }
            cursor.refuseCursorAfter(clock.instant());
        });
        try {
            opening.open();
        } catch (StateUnavailableException e) {
            if (settings.output().equals("file")) {
                try {
                    opening.openWaiting(Duration.ofSeconds(5)); // the file output cuts off what the last run wrote past its commit first
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("stopped while waiting for the state database", interrupted);
                }
            } else {
                // started without it: each poll tries again first (one ERROR line each, readiness down)
                LOG.error("{}{}: the connector starts and each poll tries again", account.logPrefix(), e.getMessage());
            }
        }
        if (settings.output().equals("file")) {
            bindFileOutput(cursor);
        }
        HaloDeadLetters deadLetters;
        try {
            deadLetters = new HaloDeadLetters(stateDir);
        } catch (IOException e) {
            throw new ConfigurationException("the dead-letter file in " + stateDir + " cannot be read: " + e);
        }
        ConnectorMetrics metrics = new ConnectorMetrics(meters, account.name(), clock);
        ConnectorHealth health = new ConnectorHealth(account.name(), clock);
        if (outputProblem != null) {
            health.outputUnavailable(outputProblem);
        }
        HealthCheckRegistry healthChecks = HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            healthChecks.register(health);
        }
        metrics.cursorLag(() -> opening.isOpen() ? cursor.cursor() : null, clock);
        PollerLeadership leadership = leadership(account.name());
        // a standby's checkpoint goes stale as the leader commits: it is read again before its first poll as leader
        leadership.onStandby(opening::reopen);
        health.pollingWhen(leadership::isActive);
        CatchUpProgress progress = new CatchUpProgress(account.logPrefix(), clock,
                props.getDuration(ConnectorProperty.HALO_PROGRESS_INTERVAL), backfill);

        int concurrency = props.getInt(ConnectorProperty.HALO_FETCH_CONCURRENCY);
        ConcurrencyLimit limit = new ConcurrencyLimit(concurrency);
        RequestPacer pacer = new RequestPacer();
        // the account's own request threads: its retries and backoffs never wait on another account's
        ThreadPoolExecutor fetchers = new ThreadPoolExecutor(concurrency, concurrency, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), daemonThreads("halo-fetch-" + account.name() + "-"));
        // an account at rest gives its request threads back: a node of many accounts keeps those catching up
        fetchers.allowCoreThreadTimeOut(true);
        DefaultProducerTemplate requests = new DefaultProducerTemplate(context, fetchers);
        try {
            context.addService(requests, true, true);
        } catch (Exception e) {
            fetchers.shutdownNow();
            throw new IllegalStateException("the request template of account " + account.name() + " did not start: " + e, e);
        }
        unregister.put(account.name(), () -> {
            if (healthChecks != null) {
                healthChecks.unregister(health);
            }
            metrics.remove();
            try {
                context.removeService(requests);
            } catch (Exception e) {
                LOG.debug("{}the request template did not stop: {}", account.logPrefix(), e.toString());
            }
        });
        String host = ConnectorSettings.hostAndPort(account.apiUrl());
        // a request waits for the token another one asks for at most twice that request's own time limit
        HaloTokenProvider tokens = new HaloTokenProvider(account.apiBase(), account.key(), account.secret(),
                account.credentialsHint(), clock, settings.apiTimeout().multipliedBy(2), metrics);
        metrics.tokenRefreshes(tokens, HaloTokenProvider::refreshes);
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(PageHeaders.ACCOUNT, account.name());
        account.index().ifPresent(index -> headers.put(PageHeaders.INDEX, index));
        account.source().ifPresent(source -> headers.put(PageHeaders.SOURCE, source));
        account.sourcetype().ifPresent(sourcetype -> headers.put(PageHeaders.SOURCETYPE, sourcetype));
        SetAsideBadEvents.Mode badEvents = props.getOneOf(ConnectorProperty.HALO_DEAD_LETTER).equals("stop")
                ? SetAsideBadEvents.Mode.STOP : SetAsideBadEvents.Mode.SET_ASIDE;
        Duration maxDelay = settings.retryMaxDelay();
        PagesInFlight pagesInFlight = new PagesInFlight(cursor, progress, metrics, outputPages, stopping, outputBackoff);
        // ClusteredRoutePolicy drops the lead before it stops the route: the poll ends at the page boundary
        pagesInFlight.pollWhile(leadership::isActive);
        Processor awaitPagesInFlight = pagesInFlight.awaitStep();
        if (backfill != null) {
            // the poll's last step: once every page is committed and the checkpoint has reached the end, the backfill is done
            Processor await = awaitPagesInFlight;
            awaitPagesInFlight = exchange -> {
                await.process(exchange);
                if (opening.isOpen() && backfill.isReadBy(cursor.cursor())) {
                    backfill.windowRead();
                }
            };
        }
        HaloAccount opened = new HaloAccount(account, opening, store, cursor, delivered, metrics, health, fetchers, tokens,
                exchange -> pacer.acquire(),
                new HaloEventsAnswer(host, tokens, metrics, pacer, limit, props.getInt(ConnectorProperty.HALO_EVENT_MAX_BYTES)),
                new PageRequestRetry(backoff(maxDelay), settings.retryMaxAttempts(), host, metrics),
                opening.before(new OpenPollWindow(cursor, progress, clock, settings.pollLag(), settings.perPage(),
                        settings.maxResults(), new SortedAnswers(stateDir), stopping, outputBackoff,
                        backfill == null ? null : backfill.until())),
                new FetchEventPage(requests, pageRequests, account.apiBase(), health, metrics, limit, pagesAhead, stopping,
                        outputBackoff),
                new SetAsideBadEvents(deadLetters, metrics, badEvents),
                new PageBatchHeaders(headers),
                pagesInFlight,
                awaitPagesInFlight,
                new ReportPollFailure(account.logPrefix(), cursor, health, metrics), deadLetters, leadership);
        if (backfill != null) {
            backfill.opened(database == null ? stateDir.toString() : "state key '" + account.stateKey() + "' in the state database",
                    opening.isOpen() ? cursor.cursor() : null, progress::delivered);
        }
        LOG.info("{}Polling Halo at {}, key {}, checkpoint {}", account.logPrefix(), account.apiUrl(), account.key(), database == null ? stateDir : "'" + account.stateKey() + "' in the state database");
        return opened;
    }

    /**
     * The state folder of an account: its checkpoint file (with halo.state.store=file), its lock and
     * its Halo dead letters. The shipped account keeps halo.state.dir itself, as a connector of one
     * account always did; another one the folder of its state key in it.
     */
    public static Path stateDir(ConnectorSettings settings, String account, String stateKey) {
        return AccountSettings.DEFAULT.equals(account) ? settings.stateDir() : settings.stateDir().resolve(stateKey);
    }

    /** The file output's steps, with the one account's committed position; the files are cut back to it first. */
    private void bindFileOutput(EventCursor cursor) {
        try {
            RollingEventFiles files = new RollingEventFiles(settings.fileDir(), settings.fileMaxBytes(), Clock.systemUTC());
            files.recover(cursor.committedOutputPosition());
            // the output route's file endpoint is on halo.file.dir, the folder a backfill's own is in
            eventFileName = files.nameStep(cursor::committedOutputPosition,
                    Path.of(props.getOrDefault(ConnectorProperty.HALO_FILE_DIR)));
            eventFileSync = files.syncStep();
        } catch (IOException e) {
            throw new ConfigurationException("the file output cannot use halo.file.dir=" + settings.fileDir() + ": " + e);
        }
    }

    private static Processor fileStep(Processor step) {
        if (step == null) {
            throw new IllegalStateException("the file output has no Halo account: routes/halo-accounts.yaml names none");
        }
        return step;
    }

    /** Refuses an account that would share a checkpoint or a key with another: one line, at start. */
    private void refuseRepeats(AccountSettings account) {
        if (accounts.containsKey(account.name())) {
            throw new ConfigurationException(account.origin() == AccountSettings.Origin.KAMELET
                    ? "account " + account.name() + " is configured twice (" + account.origin().where() + "):"
                            + " give each halo-events-source instance its own account name"
                    : "account " + account.name() + " is configured twice (" + account.origin().where() + "):"
                            + " give each templatedRoute its own account name");
        }
        String sameState = stateKeys.get(account.stateKey());
        if (sameState != null) {
            throw new ConfigurationException("accounts " + sameState + " and " + account.name() + " have the same state key '"
                    + account.stateKey() + "': each account needs its own checkpoint (set stateKey apart)");
        }
        String sameKey = keyIds.get(account.key());
        if (sameKey != null) {
            throw new ConfigurationException("accounts " + sameKey + " and " + account.name() + " use the same API key id "
                    + account.key() + ": one key is one Halo account, polled once (remove one of them)");
        }
        stateKeys.put(account.stateKey(), account.name());
        keyIds.put(account.key(), account.name());
    }

    /** At stop, after the routes: every account's fetch threads end and its checkpoint closes. */
    public synchronized void close() {
        RuntimeException first = null;
        for (HaloAccount account : accounts.values()) {
            try {
                account.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Waits doubling from 1 s (or maxDelay when shorter) to maxDelay: halo.retry.maxDelay. */
    private static Backoff backoff(Duration maxDelay) {
        return new Backoff(maxDelay.compareTo(Duration.ofSeconds(1)) < 0 ? maxDelay : Duration.ofSeconds(1), maxDelay);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
