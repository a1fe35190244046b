package io.haloconnector.state;

import io.haloconnector.halo.HaloEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link CheckpointStore} must do, run against each store by a subclass: a checkpoint
 * comes back as it was saved, across a restart (a new store on the same place), with the dedup ids
 * bounded by the overlap window and the ids of an uncommitted page forgotten.
 */
abstract class CheckpointStoreContract {
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration OVERLAP = Duration.ofMinutes(2);

    /** A store on the test's place: a second call is the same state after a restart. */
    abstract CheckpointStore openStore();

    private EventCursor open(CheckpointStore store, DeliveredEvents delivered) {
        EventCursor cursor = new EventCursor(store, delivered, OVERLAP, "file");
        cursor.open(START, false);
        return cursor;
    }

    @Test
    void aFirstRunFindsNoCheckpoint() {
        try (CheckpointStore store = openStore()) {
            assertThat(store.load()).isEmpty();
        }
    }

    @Test
    void aSavedCheckpointComesBackAsItWasAfterARestart() {
        Map<Instant, Set<String>> ids = new TreeMap<>();
        ids.put(START.plusSeconds(60), new LinkedHashSet<>(List.of("a", "b")));
        ids.put(Instant.parse("2026-11-01T00:01:00.123456Z"), new LinkedHashSet<>(List.of("c")));
        Checkpoint saved = new Checkpoint(START, Instant.parse("2026-11-01T00:01:00.123456Z"), ids, "hec", "position-1");
        try (CheckpointStore store = openStore()) {
            store.save(Checkpoint.firstRun(START));
            store.save(saved);
        }
        try (CheckpointStore store = openStore()) {
            assertThat(store.load()).contains(saved);
            Checkpoint next = new Checkpoint(START, saved.cursor().plusSeconds(1),
                    Map.of(saved.cursor().plusSeconds(1), Set.of("d")), "hec", null);
            store.save(next);
            assertThat(store.load()).as("ids that left are gone, the new one is there").contains(next);
        }
    }

    @Test
    void aRestartResumesInsideABurstOfEqualTimestampsWithoutRepeatsOrGaps() {
        Instant burst = START.plusSeconds(600);
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            assertThat(delivered.add("a")).isTrue();
            cursor.commit(List.of(event("a", burst)), "halo-events-2026-11-01-001.jsonl:10");
        }
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            assertThat(cursor.since()).isEqualTo(burst.minus(OVERLAP));
            assertThat(delivered.add("a")).isFalse();
            assertThat(delivered.add("b")).isTrue();
            assertThat(cursor.commit(List.of(event("a", burst), event("b", burst)), null)).isEqualTo(1);
            assertThat(cursor.committedOutputPosition()).isEqualTo("halo-events-2026-11-01-001.jsonl:10");
        }
    }

    @Test
    void theSavedDedupIdsStayBoundedByTheOverlap() {
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            for (int minute = 0; minute < 300; minute++) {
                HaloEvent e = event("e" + minute, START.plusSeconds(60L * minute));
                delivered.add(e.id());
                cursor.commit(List.of(e), null);
            }
        }
        try (CheckpointStore store = openStore()) {
            Map<Instant, Set<String>> ids = store.load().orElseThrow().deliveredIds();
            assertThat(ids.values().stream().flatMap(Set::stream).toList()).containsExactlyInAnyOrder("e297", "e298", "e299");
        }
    }

    @Test
    void idsOfAPageThatWasNotCommittedAreForgottenAfterACrash() {
        try (CheckpointStore store = openStore()) {
            open(store, new DeliveredEvents()).commit(List.of(event("a", START.plusSeconds(1))), null);
        }
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            open(store, delivered);
            delivered.add("b"); // delivered, then the process dies before the commit
        }
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            open(store, delivered);
            assertThat(delivered.contains("a")).isTrue();
            assertThat(delivered.contains("b")).isFalse();
        }
    }

    @Test
    void aPageOf500EventsIsOneSaveKeepingOnlyTheIdsInsideTheOverlap() {
        List<HaloEvent> page = new ArrayList<>();
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = open(store, delivered);
            for (int second = 0; second < 500; second++) {
                HaloEvent e = event("p" + second, START.plusSeconds(second));
                page.add(e);
                delivered.add(e.id());
            }
            assertThat(cursor.commit(page, null)).isEqualTo(500);
        }
        try (CheckpointStore store = openStore()) {
            Checkpoint loaded = store.load().orElseThrow();
            assertThat(loaded.cursor()).isEqualTo(START.plusSeconds(499));
            // created_at 379 s to 499 s: the overlap of two minutes back from the cursor
            assertThat(loaded.deliveredIds().values().stream().mapToInt(Set::size).sum()).isEqualTo(121);
        }
    }
}
