package io.haloconnector.state;

import io.haloconnector.halo.HaloEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCursorTest {
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration OVERLAP = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private EventCursor open(FileCheckpointStore store, DeliveredEvents delivered) {
        EventCursor cursor = new EventCursor(store, delivered, OVERLAP, "file");
        cursor.open(START, false);
        return cursor;
    }

    @Test
    void aRestartResumesInsideABurstOfEqualTimestampsWithoutRepeatsOrGaps() {
        Instant burst = START.plusSeconds(600);
        HaloEvent a = event("a", burst);
        HaloEvent b = event("b", burst);
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            assertThat(cursor.since()).isEqualTo(START);
            assertThat(delivered.add("a")).isTrue();
            cursor.commit(List.of(a), "halo-events-2026-11-01-001.jsonl:10");
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            // since is inclusive and reaches back by the overlap: a comes back and is dropped, b is new
            assertThat(cursor.since()).isEqualTo(burst.minus(OVERLAP));
            assertThat(delivered.add("a")).isFalse();
            assertThat(delivered.add("b")).isTrue();
            assertThat(cursor.commit(List.of(a, b), null)).isEqualTo(1);
            assertThat(cursor.committedOutputPosition()).isEqualTo("halo-events-2026-11-01-001.jsonl:10");
        }
    }

    @Test
    void aPageAnsweredAheadOfTheCursorKeepsItsIdsUntilTheCursorPassesThemSoARestartRepeatsOnlyThePageBefore() {
        HaloEvent first = event("p1", START.plusSeconds(600));
        HaloEvent second = event("p2", START.plusSeconds(3600));
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            delivered.add("p1");
            delivered.add("p2");
            // page 2 answered while page 1 is still in flight: its ids are saved, the cursor stays
            cursor.commit(List.of(second), null, null);
            assertThat(cursor.savedCursor()).isNull();
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            assertThat(cursor.since()).as("the window is read again from the start").isEqualTo(START);
            assertThat(delivered.add("p1")).as("page 1 was unanswered: delivered again").isTrue();
            assertThat(delivered.add("p2")).as("page 2 was answered: dropped").isFalse();
            cursor.commit(List.of(first, second), null, second.createdAt());
            assertThat(delivered.contains("p2")).as("at the cursor: kept while it can come back").isTrue();
            HaloEvent later = event("p3", second.createdAt().plus(OVERLAP).plusSeconds(1));
            delivered.add("p3");
            cursor.commit(List.of(later), null, later.createdAt());
            assertThat(delivered.contains("p2")).as("passed by more than the overlap: forgotten").isFalse();
        }
    }

    @Test
    void idsThatCannotComeBackAreForgottenSoTheDedupStateStaysBounded() {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            for (int minute = 0; minute < 1000; minute++) {
                HaloEvent e = event("e" + minute, START.plusSeconds(60L * minute));
                delivered.add(e.id());
                cursor.commit(List.of(e), null);
            }
            // only the ids at or after cursor - overlap (2 minutes) are kept
            assertThat(cursor.dedupSize()).isEqualTo(3);
            assertThat(delivered.contains("e999")).isTrue();
            assertThat(delivered.contains("e500")).isFalse();
        }
    }

    @Test
    void aPageSpanningHoursIsOneSaveAndKeepsOnlyTheIdsInsideTheOverlap() {
        try (FileCheckpointStore file = new FileCheckpointStore(dir)) {
            java.util.concurrent.atomic.AtomicInteger saves = new java.util.concurrent.atomic.AtomicInteger();
            CheckpointStore counted = new CheckpointStore() {
                @Override
                public java.util.Optional<Checkpoint> load() {
                    return file.load();
                }

                @Override
                public void save(Checkpoint checkpoint) {
                    saves.incrementAndGet();
                    file.save(checkpoint);
                }

                @Override
                public String location() {
                    return file.location();
                }
            };
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = new EventCursor(counted, delivered, OVERLAP, "file");
            cursor.open(START, false);
            List<HaloEvent> page = new java.util.ArrayList<>();
            for (int minute = 0; minute < 500; minute++) {
                HaloEvent e = event("p" + minute, START.plusSeconds(60L * minute));
                page.add(e);
                delivered.add(e.id());
            }
            page.add(event("p499b", START.plusSeconds(60L * 499))); // a burst at the newest timestamp
            delivered.add("p499b");
            int before = saves.get();
            assertThat(cursor.commit(page, null)).isEqualTo(501);
            assertThat(saves.get() - before).as("checkpoint writes for a page of 501 events").isEqualTo(1);
            // the newest minute (2 ids) and the two before it: nothing older can come back
            assertThat(cursor.dedupSize()).isEqualTo(4);
            assertThat(delivered.contains("p499b")).isTrue();
            assertThat(delivered.contains("p497")).isTrue();
            assertThat(delivered.contains("p496")).isFalse();
            assertThat(file.load().orElseThrow().deliveredIds().values().stream().mapToInt(java.util.Set::size).sum())
                    .isEqualTo(4);
        }
    }

    @Test
    void idsOfAPageThatWasNotCommittedAreForgottenAfterACrash() {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            EventCursor cursor = open(store, new DeliveredEvents());
            cursor.commit(List.of(event("a", START.plusSeconds(1))), null);
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            open(store, delivered);
            delivered.add("b"); // delivered, then the process dies before the commit
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            open(store, delivered);
            assertThat(delivered.contains("a")).isTrue();
            assertThat(delivered.contains("b")).isFalse();
        }
    }

    @Test
    void aCheckpointThatCannotBeWrittenStopsDeliveryUntilItCan() throws Exception {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            EventCursor cursor = open(store, new DeliveredEvents());
            Path blocker = dir.resolve("checkpoint.json.tmp");
            Files.createDirectory(blocker); // the temp file cannot be created: like a full or read-only disk
            assertThatThrownBy(() -> cursor.commit(List.of(event("a", START.plusSeconds(1))), null))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("cannot write the checkpoint " + dir.resolve("checkpoint.json"));
            assertThatThrownBy(cursor::ensureSaved).isInstanceOf(StateException.class);
            Files.delete(blocker);
            cursor.ensureSaved();
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            assertThat(store.load()).get().extracting(Checkpoint::cursor).isEqualTo(START.plusSeconds(1));
        }
    }

    @Test
    void aCorruptCheckpointIsAClearErrorNotASilentRestart() throws Exception {
        Files.writeString(dir.resolve("checkpoint.json"), "{\"version\":1,\"start\":\"yesterday\"");
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            assertThatThrownBy(store::load)
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining(dir.resolve("checkpoint.json").toString())
                    .hasMessageContaining("delete it to start again from halo.start");
        }
    }

    @Test
    void aSecondConnectorCannotUseTheSameStateFolder() {
        try (FileCheckpointStore first = new FileCheckpointStore(dir)) {
            assertThatThrownBy(() -> new FileCheckpointStore(dir))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("in use by another running connector");
        }
    }

    @Test
    void aPageThatFailedBeforeItsCommitIsDeliveredAgainByTheNextPoll() {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            assertThat(delivered.add("a")).isTrue(); // written to the output, then its flush failed
            cursor.abandonPage();
            assertThat(delivered.add("a")).as("not a duplicate: it was never committed").isTrue();
        }
    }

    @Test
    void aCursorHeldInsideAnUnsortedSliceKeepsEveryIdDeliveredAfterItUntilTheSliceIsComplete() {
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            HaloEvent late = event("late", START.plusSeconds(3600));
            HaloEvent early = event("early", START.plusSeconds(60));
            delivered.add(late.id());
            cursor.commit(List.of(late), null, null);
            // an hour of events apart, yet both kept while the cursor stays
            delivered.add(early.id());
            cursor.commit(List.of(early), null, null);
            assertThat(cursor.cursor()).isNull();
            assertThat(cursor.dedupSize()).isEqualTo(2);
            // the slice is complete: the cursor moves, and what it passed by more than the overlap goes
            cursor.commit(List.of(), null, late.createdAt());
            assertThat(cursor.cursor()).isEqualTo(late.createdAt());
            assertThat(cursor.dedupSize()).isEqualTo(1);
            cursor.commit(List.of(), null, early.createdAt());
            assertThat(cursor.cursor()).as("never back").isEqualTo(late.createdAt());
        }
    }

    @Test
    void aCheckpointWithACursorLaterThanNowIsRefusedWithTheWayToResetIt() {
        Instant now = START.plusSeconds(86_400);
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            open(store, new DeliveredEvents()).commit(List.of(event("f", Instant.parse("2100-01-01T00:00:00Z"))), null);
        }
        try (FileCheckpointStore store = new FileCheckpointStore(dir)) {
            EventCursor cursor = open(store, new DeliveredEvents());
            assertThatThrownBy(() -> cursor.refuseCursorAfter(now))
                    .isInstanceOf(StateException.class)
                    .hasMessageContaining("the checkpoint " + dir.resolve("checkpoint.json") + " holds the cursor 2100-01-01T00:00:00Z")
                    .hasMessageContaining("set \"cursor\" in that file to the created_at of the last event your output received");
            cursor.refuseCursorAfter(Instant.parse("2100-01-01T00:00:00Z")); // not later than now: accepted
        }
    }
}
