package io.haloconnector.state;

import io.haloconnector.halo.HaloEvent;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The idempotent repository of the route, keyed on event id. It holds the ids delivered at or
 * after {@code cursor - overlap} (only those can come back from an inclusive {@code since}), so
 * it stays bounded however long the connector runs.
 * <p>
 * Ids the route adds during a page are pending: they reach the checkpoint only when
 * {@link EventCursor#commit} runs after the output has taken the page. So the idempotent consumer
 * may add eagerly (it removes the id again when delivery fails), and a crash before the commit
 * forgets them: the page is fetched and delivered again, nothing is lost. Several pages may be
 * pending at once (the output's pages in flight): a commit moves only its own pages' ids.
 */
public final class DeliveredEvents extends ServiceSupport implements IdempotentRepository {
    private final Map<String, Instant> committed = new HashMap<>();
    private final NavigableMap<Instant, Set<String>> committedByTime = new TreeMap<>();
    private final Set<String> pending = new HashSet<>();

    @Override
    public synchronized boolean add(String id) {
        if (committed.containsKey(id)) {
            return false;
        }
        return pending.add(id);
    }

    @Override
    public synchronized boolean contains(String id) {
        return committed.containsKey(id) || pending.contains(id);
    }

    @Override
    public synchronized boolean remove(String id) {
        return pending.remove(id);
    }

    @Override
    public boolean confirm(String id) {
        return true; // commit happens per page in EventCursor, not per event
    }

    @Override
    public synchronized void clear() {
        pending.clear();
    }

    /** Forgets the ids of the pages that were not committed: they are fetched and delivered again. */
    synchronized void abandonPending() {
        pending.clear();
    }

    /** Ids kept for dedup; bounded by the overlap window. */
    public synchronized int size() {
        return committed.size();
    }

    /**
     * Every event of the delivered pages is now delivered; forget ids older than {@code keepFrom}.
     * Returns how many of them were new (pending until now).
     */
    synchronized int commitPages(Collection<HaloEvent> pages, Instant keepFrom) {
        int fresh = 0;
        for (HaloEvent event : pages) {
            // only these pages' ids leave pending: later pages in flight keep theirs
            if (pending.remove(event.id())) {
                fresh++;
            }
            if (event.createdAt().isBefore(keepFrom)) {
                continue; // would be forgotten below anyway; most of a catch-up page is
            }
            if (committed.putIfAbsent(event.id(), event.createdAt()) == null) {
                committedByTime.computeIfAbsent(event.createdAt(), t -> new LinkedHashSet<>()).add(event.id());
            }
        }
        NavigableMap<Instant, Set<String>> old = committedByTime.headMap(keepFrom, false);
        old.values().forEach(ids -> ids.forEach(committed::remove));
        old.clear();
        return fresh;
    }

    synchronized void restore(Map<Instant, Set<String>> ids) {
        committed.clear();
        committedByTime.clear();
        pending.clear();
        ids.forEach((time, set) -> {
            committedByTime.put(time, new LinkedHashSet<>(set));
            set.forEach(id -> committed.put(id, time));
        });
    }

    synchronized Map<Instant, Set<String>> snapshot() {
        Map<Instant, Set<String>> copy = new TreeMap<>();
        committedByTime.forEach((time, ids) -> copy.put(time, new LinkedHashSet<>(ids)));
        return copy;
    }

    @Override
    protected void doStart() {
        // state is restored by EventCursor before the route starts
    }

    @Override
    protected void doStop() {
        // nothing to release: the checkpoint file holds the committed ids
    }
}
