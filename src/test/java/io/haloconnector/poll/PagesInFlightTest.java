package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.output.EventBatch;
import io.haloconnector.output.OutputPosition;
import io.haloconnector.output.PageTurn;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.AdaptiveConcurrency;
import io.haloconnector.state.Checkpoint;
import io.haloconnector.state.CheckpointStore;
import io.haloconnector.state.DeliveredEvents;
import io.haloconnector.state.EventCursor;
import io.haloconnector.state.FileCheckpointStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The commit of the output's pages in flight: every answered page is committed at once, its ids
 * with the checkpoint; the cursor moves over the answered prefix only, never past a failed page;
 * answers that arrive together share one save; a page waits for room; with a turn step (HEC's) one
 * page more is handed over and goes to the receiver only at its turn, in page order.
 */
class PagesInFlightTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    private final CamelContext context = new DefaultCamelContext();
    private final AtomicInteger saves = new AtomicInteger();
    /** Runs inside the next save, before it writes: holds the save so that answers arrive meanwhile. */
    private volatile Blocker blockNextSave;

    private interface Blocker {
        void await() throws InterruptedException;
    }
    private FileCheckpointStore file;
    private DeliveredEvents delivered;
    private EventCursor cursor;
    private PollWindow window;
    private final ConnectorStopping stopping = new ConnectorStopping();
    private final OutputBackoff output = new OutputBackoff(new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)));
    /** The output route's threads that await a page's turn: one each, as the route's consumers are. */
    private final ExecutorService outputThreads = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        file = new FileCheckpointStore(dir);
        CheckpointStore counted = new CheckpointStore() {
            @Override
            public Optional<Checkpoint> load() {
                return file.load();
            }

            @Override
            public void save(Checkpoint checkpoint) {
                saves.incrementAndGet();
                Blocker blocker = blockNextSave;
                blockNextSave = null;
                if (blocker != null) {
                    try {
                        blocker.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                file.save(checkpoint);
            }

            @Override
            public String location() {
                return file.location();
            }
        };
        delivered = new DeliveredEvents();
        cursor = new EventCursor(counted, delivered, Duration.ofMinutes(2), "file");
        cursor.open(T0, false);
        // pages of two events, sorted: the cursor may move to each page's newest event
        window = new PollWindow(T0, T0.plusSeconds(3600), 2, 10_000, new SortedAnswers());
    }

    @AfterEach
    void close() throws Exception {
        outputThreads.shutdownNow();
        file.close();
        context.close();
    }

    private PagesInFlight pages(int maxInFlight) {
        CatchUpProgress progress = new CatchUpProgress(Clock.systemUTC(), Duration.ofMinutes(1));
        progress.pollStarted(T0); // as openPollWindow does
        return new PagesInFlight(cursor, progress, new ConnectorMetrics(new SimpleMeterRegistry(), "default"),
                AdaptiveConcurrency.pinned(maxInFlight), stopping, output);
    }

    /** As HEC's output takes pages: the limit at the receiver, and one page more handed over to wait for its turn. */
    private PagesInFlight pagesTakingTurns(int maxInFlight) {
        CatchUpProgress progress = new CatchUpProgress(Clock.systemUTC(), Duration.ofMinutes(1));
        progress.pollStarted(T0);
        return new PagesInFlight(cursor, progress, new ConnectorMetrics(new SimpleMeterRegistry(), "default"),
                AdaptiveConcurrency.pinned(maxInFlight).withOnePageWaiting(), stopping, output);
    }

    /** The output route's turn step for the page, on a thread of its own: done once the page may go to the receiver. */
    private CompletableFuture<Boolean> awaitTurn(Exchange page) {
        PageTurn turn = page.getProperty(PageTurn.PROPERTY, PageTurn.class);
        assertThat(turn).as("every admitted page carries its turn").isNotNull();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return turn.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, outputThreads);
    }

    /** The poll route's admission of page n on a thread of its own (it may wait for room). */
    private CompletableFuture<Exchange> admitAsync(PagesInFlight pages, int n, boolean last) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return admit(pages, n, last);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, outputThreads);
    }

    /** Page n (1-based) as the poll route hands it over: its events at seconds 2n-1 and 2n, new ones pending. */
    private Exchange admit(PagesInFlight pages, int n, boolean last) throws Exception {
        List<HaloEvent> events = List.of(event("e" + (2 * n - 1), T0.plusSeconds(2 * n - 1)), event("e" + 2 * n, T0.plusSeconds(2 * n)));
        events.forEach(e -> delivered.add(e.id()));
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(PollProperties.PAGE, new EventPage(events, 6, !last));
        exchange.setProperty(PollProperties.WINDOW, window);
        exchange.getMessage().setBody(new EventBatch(events));
        pages.admitStep().process(exchange);
        return exchange.copy(); // the output's exchange is a copy, as seda makes one
    }

    private static void deliver(PagesInFlight pages, Exchange page, String position) throws Exception {
        page.setProperty(OutputPosition.PROPERTY, position);
        pages.deliveredStep().process(page);
    }

    @Test
    void anAnsweredPageIsCommittedAtOnceAndTheCursorMovesOverTheAnsweredPrefixOnly() throws Exception {
        PagesInFlight pages = pages(3);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, false);
        Exchange third = admit(pages, 3, true);

        deliver(pages, second, "f:20");
        assertThat(saves.get()).as("page 2, answered behind page 1, is saved at once").isEqualTo(1);
        assertThat(cursor.savedCursor()).as("the cursor waits for page 1").isNull();
        assertThat(file.load().orElseThrow().deliveredIds().values().stream().flatMap(Set::stream).toList())
                .as("page 2's ids are in the checkpoint: a restart drops them when it reads the window again")
                .containsExactlyInAnyOrder("e3", "e4");
        assertThat(pages.size()).as("pages 1 and 3 are unanswered").isEqualTo(2);

        deliver(pages, first, "f:10");
        assertThat(cursor.savedCursor()).as("pages 1 and 2 passed").isEqualTo(T0.plusSeconds(4));
        assertThat(cursor.committedOutputPosition()).as("the position of the last page passed").isEqualTo("f:20");
        assertThat(saves.get()).isEqualTo(2);

        deliver(pages, third, "f:30");
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(cursor.savedCursor()).isEqualTo(T0.plusSeconds(6));
        assertThat(saves.get()).isEqualTo(3);
        assertThat(pages.size()).isZero();
        assertThat(delivered.contains("e6")).isTrue();
        assertThat(pages.figures()).contains("3 pages committed in 3 saves");
    }

    @Test
    void answersThatArriveWhileASaveRunsShareTheNextSave() throws Exception {
        CountDownLatch saving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        blockNextSave = () -> {
            saving.countDown();
            release.await();
        };
        PagesInFlight pages = pages(3);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, false);
        Exchange third = admit(pages, 3, true);

        CompletableFuture<Void> firstCommit = CompletableFuture.runAsync(() -> {
            try {
                deliver(pages, first, "f:10");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(saving.await(5, TimeUnit.SECONDS)).isTrue();
        deliver(pages, second, "f:20"); // the save of page 1 runs: these two return at once, left to that thread
        deliver(pages, third, "f:30");
        assertThat(saves.get()).as("page 1's save still runs").isEqualTo(1);
        release.countDown();
        firstCommit.get(5, TimeUnit.SECONDS);
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(saves.get()).as("one save for page 1, one for pages 2 and 3").isEqualTo(2);
        assertThat(cursor.savedCursor()).isEqualTo(T0.plusSeconds(6));
        assertThat(pages.figures()).contains("3 pages committed in 2 saves");
    }

    @Test
    void aFailedPageIsNotCommittedAndTheCursorStopsBeforeItWhileAnsweredPagesAfterItKeepTheirIds() throws Exception {
        PagesInFlight pages = pages(3);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, false);
        Exchange third = admit(pages, 3, true);

        deliver(pages, third, "f:30");
        second.setProperty(Exchange.EXCEPTION_CAUGHT, new IOException("disk full"));
        pages.failedStep().process(second);
        deliver(pages, first, "f:10");

        assertThatThrownBy(() -> pages.awaitStep().process(new DefaultExchange(context)))
                .isInstanceOf(PageOutputFailedException.class).hasMessage("IOException: disk full");
        assertThat(cursor.savedCursor()).as("page 1 only").isEqualTo(T0.plusSeconds(2));
        assertThat(cursor.committedOutputPosition()).isEqualTo("f:10");
        assertThat(pages.size()).as("the uncommitted pages are dropped").isZero();
        cursor.abandonPage();
        assertThat(delivered.contains("e3")).as("page 2 comes again").isFalse();
        assertThat(delivered.contains("e5")).as("page 3 was answered: the next poll drops it").isTrue();
        assertThat(delivered.contains("e1")).isTrue();
    }

    @Test
    void behindASlowPageTheAnsweredOnesRunAtMostFourTimesTheCeilingAhead() throws Exception {
        PagesInFlight pages = pages(2);
        admit(pages, 1, false); // slow: never answered in this test
        int ahead = PagesInFlight.PAGES_AHEAD_PER_PAGE_IN_FLIGHT * 2;
        for (int n = 2; n <= ahead; n++) {
            deliver(pages, admit(pages, n, false), null);
        }
        assertThat(pages.size()).as("only the slow page is unanswered").isEqualTo(1);
        CompletableFuture<Exchange> next = CompletableFuture.supplyAsync(() -> {
            try {
                return admit(pages, ahead + 1, true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
    }

    @Test
    void aPageWaitsForRoomUntilTheOneBeforeItIsCommitted() throws Exception {
        PagesInFlight pages = pages(1);
        Exchange first = admit(pages, 1, false);
        CompletableFuture<Exchange> second = CompletableFuture.supplyAsync(() -> {
            try {
                return admit(pages, 2, true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());
        deliver(pages, first, "f:10");
        Exchange admitted = second.get();
        assertThat(cursor.savedCursor()).as("page 1 was committed before page 2 went out").isEqualTo(T0.plusSeconds(2));
        assertThat(admitted.getProperty(PollProperties.MORE_PAGES, Boolean.class)).isFalse();
    }

    @Test
    void aNodeThatLosesTheLeadEndsThePollAtThePageBoundaryWithItsPagesCommitted() throws Exception {
        PagesInFlight pages = pages(3);
        AtomicBoolean leads = new AtomicBoolean(true);
        pages.pollWhile(leads::get);
        Exchange first = admit(pages, 1, false);
        assertThat(first.getProperty(PollProperties.MORE_PAGES, Boolean.class)).as("more pages, still the leader").isTrue();
        leads.set(false);
        Exchange second = admit(pages, 2, false);
        assertThat(second.getProperty(PollProperties.MORE_PAGES, Boolean.class))
                .as("Halo has more, but another node polls from here").isFalse();

        deliver(pages, first, "f:10");
        deliver(pages, second, "f:20");
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(cursor.savedCursor()).as("both pages committed: the new leader goes on after them").isEqualTo(T0.plusSeconds(4));
        assertThat(pages.size()).isZero();
    }

    @Test
    void aStopWakesAPollWaitingForRoomHandsThatPageNotOverAndStillCommitsThePagesInFlight() throws Exception {
        PagesInFlight pages = pages(1);
        Exchange first = admit(pages, 1, false);
        assertThat(first.getProperty(PagesInFlight.ADMITTED, Boolean.class)).isTrue();
        CompletableFuture<Exchange> second = CompletableFuture.supplyAsync(() -> {
            try {
                return admit(pages, 2, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.isDone());

        stopping.stop();
        Exchange held = second.get(2, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(held.getProperty(PagesInFlight.ADMITTED, Boolean.class)).as("page 2 is not handed to the output").isFalse();
        assertThat(held.getProperty(PollProperties.MORE_PAGES, Boolean.class)).as("the loop ends").isFalse();
        assertThat(pages.size()).as("page 1 only is in flight").isEqualTo(1);

        deliver(pages, first, "f:10");
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(cursor.savedCursor()).as("page 1, handed over before the stop, is committed").isEqualTo(T0.plusSeconds(2));
        assertThat(cursor.committedOutputPosition()).isEqualTo("f:10");
    }

    @Test
    void anOutputFailureHoldsThePollsBackUntilTheOutputTakesAPageAgain() throws Exception {
        PagesInFlight pages = pages(1);
        assertThat(output.holdsPoll()).isFalse();
        Exchange first = admit(pages, 1, false);
        first.setProperty(Exchange.EXCEPTION_CAUGHT, new IOException("No space left on device"));
        pages.failedStep().process(first);
        assertThatThrownBy(() -> pages.awaitStep().process(new DefaultExchange(context)))
                .isInstanceOf(PageOutputFailedException.class);
        assertThat(output.holdsPoll()).as("the next poll waits (backoff of 30 s or more)").isTrue();
        assertThat(output.failing()).as("no page is requested ahead").isTrue();

        cursor.abandonPage();
        Exchange again = admit(pages, 1, true);
        deliver(pages, again, "f:10");
        assertThat(output.holdsPoll()).as("the output took a page").isFalse();
        assertThat(output.failing()).isFalse();
    }

    @Test
    void aPollEndsOnlyOnceItsLastPageIsCountedSoTheNextPollDoesNotTakeItsFigures() throws Exception {
        ConnectorMetrics metrics = new ConnectorMetrics(new SimpleMeterRegistry(), "default");
        CatchUpProgress progress = new CatchUpProgress(Clock.systemUTC(), Duration.ofMinutes(1));
        progress.pollStarted(T0);
        PagesInFlight pages = new PagesInFlight(cursor, progress, metrics, AdaptiveConcurrency.pinned(1), stopping, output);
        Exchange last = admit(pages, 1, true);
        AtomicBoolean pollEnded = new AtomicBoolean();
        Thread commit = new Thread(() -> {
            try {
                deliver(pages, last, "f:10");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "output page");
        Thread poll = new Thread(() -> {
            try {
                pages.awaitStep().process(new DefaultExchange(context));
                pollEnded.set(true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "poll");
        // the commit's thread is held where a busy machine may pause it: saved, its page not counted yet
        synchronized (progress) {
            commit.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> waitsFor(commit, CatchUpProgress.class));
            assertThat(cursor.savedCursor()).as("the page is saved").isEqualTo(T0.plusSeconds(2));
            poll.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> poll.getState() == Thread.State.WAITING || !poll.isAlive());
            assertThat(pollEnded).as("the poll waits for its last page's count: the next poll's start would reset it").isFalse();
        }
        commit.join(5_000);
        poll.join(5_000);
        assertThat(pollEnded).isTrue();
        assertThat(metrics.polls().completed()).as("counted before the poll ended").isEqualTo(1);
        assertThat(progress.delivered()).isEqualTo(2);
    }

    @Test
    void atOnePageTheNextIsHandedOverAtOnceButGoesToTheReceiverOnlyOnceTheFirstIsCommitted() throws Exception {
        PagesInFlight pages = pagesTakingTurns(1);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, true);
        assertThat(second.getProperty(PagesInFlight.ADMITTED, Boolean.class)).as("page 2 waits encoded in the output route").isTrue();
        awaitTurn(first).get(2, TimeUnit.SECONDS); // page 1 took its turn at admission: it goes at once
        assertThat(pages.size()).as("page 1 only may be at the receiver: a kill -9 repeats it alone").isEqualTo(1);

        CompletableFuture<Boolean> secondTurn = awaitTurn(second);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !secondTurn.isDone() && pages.size() == 1);

        // page 1 answered, its save held: it is not committed yet, so page 2 still waits
        CountDownLatch saving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        blockNextSave = () -> {
            saving.countDown();
            release.await();
        };
        CompletableFuture<Void> firstCommit = CompletableFuture.runAsync(() -> {
            try {
                deliver(pages, first, "f:10");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, outputThreads);
        assertThat(saving.await(5, TimeUnit.SECONDS)).isTrue();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !secondTurn.isDone() && pages.size() == 1);

        release.countDown();
        secondTurn.get(5, TimeUnit.SECONDS);
        assertThat(cursor.savedCursor()).as("page 1 was saved before page 2 went").isEqualTo(T0.plusSeconds(2));
        firstCommit.get(5, TimeUnit.SECONDS);
        assertThat(pages.size()).as("page 2 only is at the receiver now").isEqualTo(1);

        deliver(pages, second, "f:20");
        assertThePollEndsWithEveryPageCommitted(pages, T0.plusSeconds(4), "f:20");
    }

    @Test
    void theOnePageWaitingIsAllThatIsHandedOverBeyondTheLimit() throws Exception {
        PagesInFlight pages = pagesTakingTurns(1);
        Exchange first = admit(pages, 1, false);
        admit(pages, 2, false);
        CompletableFuture<Exchange> third = admitAsync(pages, 3, true);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());

        deliver(pages, first, "f:10");
        assertThat(third.get(5, TimeUnit.SECONDS).getProperty(PagesInFlight.ADMITTED, Boolean.class))
                .as("page 1 committed: page 3 takes the place of the page waiting").isTrue();
    }

    @Test
    void pagesGoToTheReceiverInPageOrderAndAtMostAsManyAsTheLimit() throws Exception {
        PagesInFlight pages = pagesTakingTurns(2);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, false);
        Exchange third = admit(pages, 3, false);
        assertThat(pages.size()).as("pages 1 and 2 took their turn at admission, page 3 waits for its turn").isEqualTo(2);
        awaitTurn(first).get(2, TimeUnit.SECONDS);
        awaitTurn(second).get(2, TimeUnit.SECONDS);

        deliver(pages, first, "f:10");
        Exchange fourth = admit(pages, 4, true);
        assertThat(pages.size()).as("page 2 only; page 3, not yet at its turn step, and page 4 behind it have not gone").isEqualTo(1);

        // page 4's thread reaches the turn step before page 3's: there is room, but page 3 goes first
        CompletableFuture<Boolean> fourthTurn = awaitTurn(fourth);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !fourthTurn.isDone());
        awaitTurn(third).get(2, TimeUnit.SECONDS);
        assertThat(pages.size()).isEqualTo(2);
        // pages 2 and 3 at the receiver: page 4 now waits for room, not for order
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !fourthTurn.isDone() && pages.size() == 2);

        deliver(pages, second, "f:20");
        fourthTurn.get(5, TimeUnit.SECONDS);
        assertThat(pages.size()).as("pages 3 and 4").isEqualTo(2);
        deliver(pages, fourth, "f:40");
        deliver(pages, third, "f:30");
        assertThePollEndsWithEveryPageCommitted(pages, T0.plusSeconds(8), "f:40");
    }

    @Test
    void withoutATurnStepAdmissionStaysAtTheLimitAndAnAdmittedPageHasTakenItsTurn() throws Exception {
        PagesInFlight pages = pages(1); // every output but HEC: its route has no turn step
        Exchange first = admit(pages, 1, false);
        assertThat(pages.size()).as("counted from admission: the output sends it at once").isEqualTo(1);
        awaitTurn(first).get(2, TimeUnit.SECONDS);

        CompletableFuture<Exchange> second = admitAsync(pages, 2, true);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !second.isDone() && pages.size() == 1);
        deliver(pages, first, "f:10");
        Exchange admitted = second.get(5, TimeUnit.SECONDS);
        assertThat(cursor.savedCursor()).as("page 1 was committed before page 2 was handed over").isEqualTo(T0.plusSeconds(2));
        assertThat(pages.size()).isEqualTo(1);
        awaitTurn(admitted).get(2, TimeUnit.SECONDS);

        deliver(pages, admitted, "f:20");
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(pages.size()).isZero();
        assertThat(pages.averageInFlight()).as("one page at a time").isEqualTo(1.0);
    }

    @Test
    void aFailedPageReleasesThePageWaitingForItsTurnAndThePollEndsWithTheFailure() throws Exception {
        AtOnePage at = atOnePageWithOneWaitingAndThePollWaitingForRoom(true);
        at.first().setProperty(Exchange.EXCEPTION_CAUGHT, new IOException("disk full"));
        at.pages().failedStep().process(at.first());
        at.secondTurn().get(5, TimeUnit.SECONDS);
        // the poll ends only once page 2, released, has ended too
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !at.third().isDone());
        deliver(at.pages(), at.second(), "f:20");

        assertThatThrownBy(() -> at.third().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(PageOutputFailedException.class).hasMessage("IOException: disk full");
        assertThat(cursor.savedCursor()).as("the cursor stops before the failed page").isNull();
        assertThat(at.pages().size()).as("the uncommitted pages are dropped").isZero();
        cursor.abandonPage();
        assertThat(delivered.contains("e1")).as("page 1 comes again").isFalse();
        assertThat(delivered.contains("e3")).as("page 2 was answered: the next poll drops it").isTrue();
    }

    @Test
    void aStopWithdrawsThePageWaitingForItsTurnSoNoRequestStartsAfterItAndCommitsThePageAtTheReceiver() throws Exception {
        AtOnePage at = atOnePageWithOneWaitingAndThePollWaitingForRoom(false);
        stopping.stop();
        assertThat(at.third().get(2, TimeUnit.SECONDS).getProperty(PagesInFlight.ADMITTED, Boolean.class))
                .as("page 3 is not handed over").isFalse();
        assertThat(at.secondTurn().get(2, TimeUnit.SECONDS)).as("page 2 had not gone: withdrawn, it sends nothing").isFalse();
        assertThat(at.pages().size()).as("page 1 only is at the receiver").isEqualTo(1);

        deliver(at.pages(), at.first(), "f:10");
        at.pages().awaitStep().process(new DefaultExchange(context));
        assertThat(cursor.savedCursor()).as("page 1, at the receiver before the stop, is committed; the cursor stops before page 2")
                .isEqualTo(T0.plusSeconds(2));
        assertThat(cursor.committedOutputPosition()).isEqualTo("f:10");
        assertThat(at.pages().size()).isZero();
    }

    /** Limit 1 with a page waiting: page 1 at the receiver, page 2 awaiting its turn, the poll waiting to admit page 3. */
    private record AtOnePage(PagesInFlight pages, Exchange first, Exchange second, CompletableFuture<Boolean> secondTurn,
                             CompletableFuture<Exchange> third) {
    }

    private AtOnePage atOnePageWithOneWaitingAndThePollWaitingForRoom(boolean thirdIsLast) throws Exception {
        PagesInFlight pages = pagesTakingTurns(1);
        Exchange first = admit(pages, 1, false);
        Exchange second = admit(pages, 2, false);
        CompletableFuture<Boolean> secondTurn = awaitTurn(second);
        CompletableFuture<Exchange> third = admitAsync(pages, 3, thirdIsLast);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !secondTurn.isDone() && !third.isDone());
        return new AtOnePage(pages, first, second, secondTurn, third);
    }

    /** The poll's last step returns, the cursor and output position at the last page's, and no page is at the receiver. */
    private void assertThePollEndsWithEveryPageCommitted(PagesInFlight pages, Instant cursorAt, String position) throws Exception {
        pages.awaitStep().process(new DefaultExchange(context));
        assertThat(cursor.savedCursor()).isEqualTo(cursorAt);
        assertThat(cursor.committedOutputPosition()).isEqualTo(position);
        assertThat(pages.size()).isZero();
    }

    /** True while {@code thread} is blocked on the monitor of an instance of {@code type}. */
    private static boolean waitsFor(Thread thread, Class<?> type) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId());
        return info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockName() != null
                && info.getLockName().startsWith(type.getName() + "@");
    }
}
