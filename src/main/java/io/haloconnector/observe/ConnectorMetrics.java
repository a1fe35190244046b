package io.haloconnector.observe;

import io.haloconnector.halo.BadEvent;
import io.haloconnector.halo.HaloRequestObserver;
import io.haloconnector.hec.HecObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One Halo account's metrics, in the registry that camel-micrometer-prometheus serves at
 * {@code /observe/metrics} (names there: {@code halo_events_delivered_total{account="..."}} and so
 * on): every {@code halo_*} series carries the account's name. The output's own series
 * ({@code hec_*}, see {@link #hecObserver}; {@code syslog_*}, see {@link #cefValueCut}) are shared
 * by the accounts and carry none.
 */
public final class ConnectorMetrics implements HaloRequestObserver {
    private final MeterRegistry registry;
    private final String account;
    private final Counter fetched;
    private final Counter delivered;
    private final Counter duplicates;
    private final Counter beyondWindow;
    private final Counter pollsCompleted;
    private final Counter pollsFailed;
    private final Clock clock;
    private volatile Instant lastPollEnded;
    private volatile boolean lastPollFailed;

    public ConnectorMetrics(MeterRegistry registry, String account) {
        this(registry, account, Clock.systemUTC());
    }

    /** @param clock the time of each poll's end, as {@link #polls()} gives it */
    public ConnectorMetrics(MeterRegistry registry, String account, Clock clock) {
        this.registry = registry;
        this.account = account;
        this.clock = clock;
        this.fetched = Counter.builder("halo.events.fetched").tag("account", account)
                .description("Events read from the Halo API").register(registry);
        this.delivered = Counter.builder("halo.events.delivered").tag("account", account)
                .description("New events the output took").register(registry);
        this.duplicates = Counter.builder("halo.events.duplicates").tag("account", account)
                .description("Events dropped because they were delivered before").register(registry);
        this.beyondWindow = Counter.builder("halo.events.beyond.window").tag("account", account)
                .description("Events created after the poll window's end (now minus the lag), a wrong clock:"
                        + " delivered without moving the cursor").register(registry);
        // every series an alert rule reads exists from the start at 0: a counter born at its first
        // increment would hide that increment from increase() and rate()
        this.pollsCompleted = polls("completed");
        this.pollsFailed = polls("failed");
        for (BadEvent.Reason reason : BadEvent.Reason.values()) {
            deadLettered(reason.label());
        }
    }

    private Counter polls(String outcome) {
        return Counter.builder("halo.polls").tag("account", account).tag("outcome", outcome)
                .description("Polls ended: completed (caught up to the poll window's end) or failed (the checkpoint stayed)")
                .register(registry);
    }

    private Counter deadLettered(String reason) {
        return Counter.builder("halo.events.deadlettered").tag("account", account).tag("reason", reason)
                .description("Events of Halo pages written to halo-dead-letter.jsonl instead of delivered").register(registry);
    }

    /** The polls ended so far, and how the last one ended. */
    public record Polls(long completed, long failed, Instant lastEnded, boolean lastFailed) {
    }

    public Polls polls() {
        return new Polls((long) pollsCompleted.count(), (long) pollsFailed.count(), lastPollEnded, lastPollFailed);
    }

    /** A poll read its window to the end and committed every page. */
    public void pollCompleted() {
        pollsCompleted.increment();
        lastPollFailed = false;
        lastPollEnded = clock.instant();
    }

    /** A poll ended on a failure: its uncommitted pages come again in the next one. */
    public void pollFailed() {
        pollsFailed.increment();
        lastPollFailed = true;
        lastPollEnded = clock.instant();
    }

    /** The cursor lag (now minus the checkpoint's created_at) as a gauge; NaN before the first event. */
    /** Removes the account's meters: an account opened again under its name registers its own. */
    public void remove() {
        registry.getMeters().stream().filter(meter -> account.equals(meter.getId().getTag("account"))).toList()
                .forEach(registry::remove);
    }

    public void cursorLag(Supplier<Instant> cursor, Clock clock) {
        ToDoubleFunction<Supplier<Instant>> lag = source -> {
            Instant at = source.get();
            return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
        };
        Gauge.builder("halo.cursor.lag.seconds", cursor, lag).tag("account", account)
                .strongReference(true) // the supplier is a method reference nothing else holds
                .description("Now minus the created_at of the newest delivered event").register(registry);
    }

    /** The value of the cursor lag gauge, or null before the first event (or before {@link #cursorLag}). */
    public Double cursorLagSeconds() {
        Gauge gauge = registry.find("halo.cursor.lag.seconds").tag("account", account).gauge();
        double value = gauge == null ? Double.NaN : gauge.value();
        return Double.isNaN(value) ? null : value;
    }

    /** New events the output took since the start. */
    public double eventsDelivered() {
        return delivered.count();
    }

    /** How many OAuth tokens were fetched. */
    public <T> void tokenRefreshes(T source, ToDoubleFunction<T> count) {
        FunctionCounter.builder("halo.token.refreshes", source, count).tag("account", account).description("OAuth tokens fetched").register(registry);
    }

    /**
     * The output's pages in flight for this account: how many now, and two counters whose rates give
     * the average (page-seconds in flight over seconds with a page in flight); and the checkpoint's
     * saves, their time and the pages they committed (pages per save shows the group commit).
     */
    public <T> void pagesInFlight(T pages, ToDoubleFunction<T> now, ToDoubleFunction<T> pageSeconds,
                                  ToDoubleFunction<T> busySeconds) {
        Gauge.builder("halo.output.pages.in.flight", pages, now).tag("account", account)
                .description("Pages handed to the output and not committed yet: a crash now repeats these").register(registry);
        FunctionCounter.builder("halo.output.pages.in.flight.seconds", pages, pageSeconds).tag("account", account)
                .description("Page-seconds in flight; divided by halo_output_busy_seconds, the average pages in flight")
                .register(registry);
        FunctionCounter.builder("halo.output.busy.seconds", pages, busySeconds).tag("account", account)
                .description("Seconds with one page in flight or more").register(registry);
    }

    /** The checkpoint's saves of answered pages: how many, their time, and the pages they committed. */
    public <T> void checkpointSaves(T pages, ToDoubleFunction<T> saves, ToDoubleFunction<T> seconds, ToDoubleFunction<T> committed) {
        FunctionCounter.builder("halo.checkpoint.saves", pages, saves).tag("account", account)
                .description("Checkpoint saves of answered pages (answers that arrive together share one)").register(registry);
        FunctionCounter.builder("halo.checkpoint.save.seconds", pages, seconds).tag("account", account)
                .description("Time spent saving the checkpoint for answered pages").register(registry);
        FunctionCounter.builder("halo.output.pages.committed", pages, committed).tag("account", account)
                .description("Pages committed after their output returned").register(registry);
    }

    /** The pages the output may take at once now (shared by the accounts: no account label). */
    public static <T> void outputLimit(MeterRegistry registry, T limit, ToDoubleFunction<T> current, ToDoubleFunction<T> max) {
        Gauge.builder("output.pages.limit", limit, current)
                .description("Pages the output may take at once now (hec.adaptiveConcurrency follows HEC's round-trip time)")
                .register(registry);
        Gauge.builder("output.pages.limit.max", limit, max).description("The most pages the output takes at once (hec.maxInFlight)")
                .register(registry);
    }

    public void pageFetched(int events) {
        fetched.increment(events);
    }

    /** An event of a Halo page was written to the dead-letter file instead of delivered. */
    public void eventDeadLettered(String reason) {
        deadLettered(reason).increment();
    }

    /** An event claims a created_at after the poll window's end (a wrong clock). */
    public void eventBeyondWindow() {
        beyondWindow.increment();
    }

    public void pageCommitted(int fresh, int dropped) {
        delivered.increment(fresh);
        duplicates.increment(dropped);
    }

    @Override
    public void answered(String endpoint, int status) {
        registry.counter("halo.api.requests", "account", account, "endpoint", endpoint, "status", status == 0 ? "none" : Integer.toString(status))
                .increment();
    }

    /**
     * Counts the CEF values cut to the length ArcSight's dictionary gives their key, by key:
     * {@code syslog_cef_values_truncated_total{key="msg"}}. The syslog output is shared: no account label.
     */
    public static Consumer<String> cefValueCut(MeterRegistry registry) {
        return key -> registry.counter("syslog.cef.values.truncated", "key", key).increment();
    }

    /** Counts HEC's answers and batches (the output is shared: no account label); {@code unavailable} hears whether HEC takes events. */
    public static HecObserver hecObserver(MeterRegistry registry, Consumer<String> unavailable) {
        Counter deadLettered = Counter.builder("hec.events.deadlettered")
                .description("Events HEC refused as malformed, written to the dead-letter file").register(registry);
        DistributionSummary hecBatch = DistributionSummary.builder("hec.batch.events").description("Events per batch HEC accepted")
                .register(registry);
        return new HecObserver() {
            @Override
            public void answered(String code) {
                registry.counter("hec.answers", "code", code).increment();
            }

            @Override
            public void accepted(int events) {
                hecBatch.record(events);
            }

            @Override
            public void deadLettered() {
                deadLettered.increment();
            }

            @Override
            public void unavailable(String why) {
                unavailable.accept(why);
            }
        };
    }
}
