package io.haloconnector.account;

import io.haloconnector.cluster.PollerLeadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.haloconnector.config.AccountSettings;
import io.haloconnector.halo.HaloEventsAnswer;
import io.haloconnector.halo.HaloTokenProvider;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.poll.FetchEventPage;
import io.haloconnector.poll.PageBatchHeaders;
import io.haloconnector.poll.PageRequest;
import io.haloconnector.poll.PageRequestRetry;
import io.haloconnector.poll.PagesInFlight;
import io.haloconnector.poll.ReportPollFailure;
import io.haloconnector.poll.SetAsideBadEvents;
import io.haloconnector.state.CheckpointOpening;
import io.haloconnector.state.CheckpointStore;
import io.haloconnector.state.DeliveredEvents;
import io.haloconnector.state.EventCursor;
import io.haloconnector.state.HaloDeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * One Halo account's part of the connector: its token, its checkpoint and dedup ids, its metrics
 * and health entry, and the poll steps that use them. Each {@code templatedRoute} of the
 * {@code halo-account} template (and each Kamelet instance) makes one, wrapped in its steps
 * ({@link AccountPoll}, the template's own bean); the poll's first step puts it on the exchange,
 * where the routes every account shares (page and token requests, the output page) find it
 * ({@link AccountOnExchange}). Accounts share nothing but the output, so one
 * account's revoked key, 429 storm or backlog does not hold up another.
 */
public final class HaloAccount implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(HaloAccount.class);
    private final AccountSettings settings;
    private final CheckpointOpening opening;
    private final CheckpointStore store;
    private final EventCursor cursor;
    private final DeliveredEvents delivered;
    private final ConnectorMetrics metrics;
    private final ConnectorHealth health;
    private final ExecutorService fetchers;
    final HaloTokenProvider tokens;
    final Processor requestPacing;
    final HaloEventsAnswer eventsAnswer;
    final PageRequestRetry pageRequestRetry;
    final Processor openPollWindow;
    final FetchEventPage fetchEventPage;
    final SetAsideBadEvents setAsideBadEvents;
    final PageBatchHeaders pageBatchHeaders;
    final PagesInFlight pagesInFlight;
    final Processor awaitPagesInFlight;
    final ReportPollFailure reportPollFailure;
    // PagesInFlight's steps are lambdas made on each call: made once here
    final Processor admitPage;
    final Processor commitPages;
    final Processor pageFailed;
    private final HaloDeadLetters deadLetters;
    private final PollerLeadership leadership;

    HaloAccount(AccountSettings settings, CheckpointOpening opening, CheckpointStore store, EventCursor cursor,
                DeliveredEvents delivered, ConnectorMetrics metrics, ConnectorHealth health, ExecutorService fetchers,
                HaloTokenProvider tokens, Processor requestPacing, HaloEventsAnswer eventsAnswer,
                PageRequestRetry pageRequestRetry, Processor openPollWindow, FetchEventPage fetchEventPage,
                SetAsideBadEvents setAsideBadEvents, PageBatchHeaders pageBatchHeaders, PagesInFlight pagesInFlight,
                Processor awaitPagesInFlight, ReportPollFailure reportPollFailure, HaloDeadLetters deadLetters,
                PollerLeadership leadership) {
        this.settings = settings;
        this.opening = opening;
        this.store = store;
        this.cursor = cursor;
        this.delivered = delivered;
        this.metrics = metrics;
        this.health = health;
        this.fetchers = fetchers;
        this.tokens = tokens;
        this.requestPacing = requestPacing;
        this.eventsAnswer = eventsAnswer;
        this.pageRequestRetry = pageRequestRetry;
        this.openPollWindow = openPollWindow;
        this.fetchEventPage = fetchEventPage;
        this.setAsideBadEvents = setAsideBadEvents;
        this.pageBatchHeaders = pageBatchHeaders;
        this.pagesInFlight = pagesInFlight;
        this.awaitPagesInFlight = awaitPagesInFlight;
        this.reportPollFailure = reportPollFailure;
        this.admitPage = pagesInFlight == null ? null : pagesInFlight.admitStep();
        this.commitPages = pagesInFlight == null ? null : pagesInFlight.deliveredStep();
        this.pageFailed = pagesInFlight == null ? null : pagesInFlight.failedStep();
        this.deadLetters = deadLetters;
        this.leadership = leadership;
    }

    /**
     * An account of the routes that this run does not poll (a backfill of another account): its
     * route is made but nothing queues a poll for it, and nothing of its own is opened.
     */
    static HaloAccount notPolled(String name) {
        AccountSettings settings = new AccountSettings(name, null, null, null, null, false, null, Optional.empty(),
                Optional.empty(), Optional.empty(), AccountSettings.Origin.ACCOUNTS_FILE);
        return new HaloAccount(settings, null, null, null, null, null, null, null, null, null, null, null,
                exchange -> {
                    throw new IllegalStateException("account " + name + " is not polled by this run");
                }, null, null, null, null, null, null, null, null);
    }

    /** The poll route's first step: the account the poll is for, as the exchange property the shared routes read. */
    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(PageRequest.ACCOUNT, this);
    }

    public String name() {
        return settings.name();
    }

    public AccountSettings settings() {
        return settings;
    }

    public EventCursor cursor() {
        return cursor;
    }

    public DeliveredEvents delivered() {
        return delivered;
    }

    public ConnectorHealth health() {
        return health;
    }

    public ConnectorMetrics metrics() {
        return metrics;
    }

    /** Pages of this account handed to the output and not committed yet. */
    public PagesInFlight pagesInFlight() {
        return pagesInFlight;
    }

    /** The account's Halo events that cannot be delivered (halo-dead-letter.jsonl of its state folder). */
    public HaloDeadLetters deadLetters() {
        return deadLetters;
    }

    /** Whether this node polls the account (a cluster's leader, or no cluster) or stands by. */
    public PollerLeadership leadership() {
        return leadership;
    }

    /** True once the checkpoint was read (a state database may be unreachable at start). */
    public boolean isOpen() {
        return opening.isOpen();
    }

    /** At stop, after the routes: the fetch threads end and the checkpoint (its lock, its connections) closes. */
    void close() {
        if (pagesInFlight != null) {
            // the figures of the run: how many pages were in flight and what their commits cost
            LOG.info("{}Output: {}", settings.logPrefix(), pagesInFlight.figures());
        }
        if (fetchers != null) {
            fetchers.shutdownNow();
        }
        if (store != null) {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "HaloAccount[" + settings.name() + "]";
    }
}
