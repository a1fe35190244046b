package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The events the simulator serves, kept sorted by ({@code created_at}, {@code id}) so that the
 * pages of a fixed window never shift. Thread-safe. Each event is held as its serialized JSON
 * bytes plus a few attributes, which keeps a million events cheap and pages fast to serve.
 */
public final class EventStore {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<LiveAppender> liveAppenders = new CopyOnWriteArrayList<>();
    private ArrayList<StoredEvent> events = new ArrayList<>();

    EventStore() {
    }

    /**
     * Adds {@code count} events created in [from, to), about half of them in bursts sharing one
     * created_at. The same arguments always give the same events.
     *
     * @return the number of events added, {@code count}
     */
    public int generate(long seed, Instant from, Instant to, int count) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + " / " + to);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be 0 or more, got " + count);
        }
        long fromMicros = HaloTimestamps.toMicros(from);
        long toMicros = HaloTimestamps.toMicros(to);
        // mixing the window into the seed keeps ids distinct when one seed fills several windows
        long mixedSeed = seed * 0x9E3779B97F4A7C15L ^ fromMicros * 31 ^ toMicros * 17 ^ count;
        StoredEvent[] batch = new EventGenerator(mixedSeed).generate(fromMicros, toMicros, count)
                .toArray(StoredEvent[]::new);
        Arrays.sort(batch, StoredEvent.ORDER);
        insertSorted(batch);
        return count;
    }

    /** Adds any JSON object that has a string {@code id} and a parsable {@code created_at}. */
    public void add(ObjectNode event) {
        insert(stored(event));
    }

    /**
     * Adds {@code json} exactly as given, served as if created at {@code sortAt} (the tie-break
     * among equal times is {@code sortId}): an event without an id, with a bad created_at, huge or
     * deeply nested, or not JSON at all, as a misbehaving API would serve it. It matches no filter
     * but a time window, and {@link #all()} cannot parse the ones that are not plain JSON objects.
     */
    public void addRaw(Instant sortAt, String sortId, byte[] json) {
        Objects.requireNonNull(sortId, "sortId");
        insert(new StoredEvent(HaloTimestamps.toMicros(sortAt), sortId, "", null, null, null, null, json, 0, json.length));
    }

    /** A snapshot of every event, sorted by created_at then id, each parsed afresh. */
    public List<ObjectNode> all() {
        List<StoredEvent> snapshot;
        lock.readLock().lock();
        try {
            snapshot = new ArrayList<>(events);
        } finally {
            lock.readLock().unlock();
        }
        List<ObjectNode> nodes = new ArrayList<>(snapshot.size());
        for (StoredEvent event : snapshot) {
            try {
                nodes.add((ObjectNode) MAPPER.readTree(event.slab(), event.offset(), event.length()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return nodes;
    }

    public int size() {
        lock.readLock().lock();
        try {
            return events.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Starts a background thread that appends about {@code eventsPerSecond} events created "now",
     * a {@code lateFraction} of them created up to {@code maxLateness} in the past.
     */
    public LiveAppender startLive(long seed, double eventsPerSecond, double lateFraction, Duration maxLateness) {
        LiveAppender appender = LiveAppender.start(this, seed, eventsPerSecond, lateFraction, maxLateness);
        liveAppenders.add(appender);
        return appender;
    }

    /** Stops every live appender started on this store. */
    void stopLive() {
        liveAppenders.forEach(LiveAppender::close);
        liveAppenders.clear();
    }

    /** The server groups of generated events by name, with the ids the {@code group_id} filter matches. */
    public Map<String, String> groupIdsByName() {
        return ServerFleet.INSTANCE.groupIdsByName();
    }

    /** The page the query asks for, ignoring events created before {@code oldestMicros} (retention). */
    EventPage page(EventQuery query, long oldestMicros) {
        lock.readLock().lock();
        try {
            int lo = lowerBound(Math.max(query.sinceMicros, oldestMicros));
            int hi = lowerBound(query.untilMicros);
            if (hi <= lo) {
                return new EventPage(0, List.of());
            }
            long offset = (long) (query.page - 1) * query.perPage;
            if (query.shuffled) {
                return shuffledPage(query, lo, hi, offset);
            }
            return query.hasFilters() ? filteredPage(query, lo, hi, offset) : plainPage(query, lo, hi, offset);
        } finally {
            lock.readLock().unlock();
        }
    }

    void insert(StoredEvent event) {
        lock.writeLock().lock();
        try {
            // after any equal key, so an event never lands before one served with the same key
            int at = upperBound(event);
            events.add(at, event);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void insertSorted(StoredEvent[] batch) {
        if (batch.length == 0) {
            return;
        }
        lock.writeLock().lock();
        try {
            if (events.isEmpty() || StoredEvent.ORDER.compare(events.get(events.size() - 1), batch[0]) <= 0) {
                events.ensureCapacity(events.size() + batch.length);
                events.addAll(Arrays.asList(batch));
                return;
            }
            ArrayList<StoredEvent> merged = new ArrayList<>(events.size() + batch.length);
            int i = 0;
            int j = 0;
            while (i < events.size() && j < batch.length) {
                merged.add(StoredEvent.ORDER.compare(events.get(i), batch[j]) <= 0 ? events.get(i++) : batch[j++]);
            }
            merged.addAll(events.subList(i, events.size()));
            merged.addAll(Arrays.asList(batch).subList(j, batch.length));
            events = merged;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private EventPage plainPage(EventQuery query, int lo, int hi, long offset) {
        int count = hi - lo;
        if (offset >= count) {
            return new EventPage(count, List.of());
        }
        int size = (int) Math.min(query.perPage, count - offset);
        List<StoredEvent> page = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            page.add(events.get(query.descending ? hi - 1 - (int) offset - k : lo + (int) offset + k));
        }
        return new EventPage(count, page);
    }

    private EventPage filteredPage(EventQuery query, int lo, int hi, long offset) {
        // count is over the whole window, so a filtered query scans it once
        List<StoredEvent> page = new ArrayList<>(query.perPage);
        int count = 0;
        for (int k = 0; k < hi - lo; k++) {
            StoredEvent event = events.get(query.descending ? hi - 1 - k : lo + k);
            if (query.matches(event)) {
                if (count >= offset && page.size() < query.perPage) {
                    page.add(event);
                }
                count++;
            }
        }
        return new EventPage(count, page);
    }

    private EventPage shuffledPage(EventQuery query, int lo, int hi, long offset) {
        List<StoredEvent> window = new ArrayList<>();
        for (int k = lo; k < hi; k++) {
            if (query.matches(events.get(k))) {
                window.add(events.get(k));
            }
        }
        // seeded by the query's window, so its pages agree with each other
        Collections.shuffle(window, new Random(query.sinceMicros * 31 + query.untilMicros));
        int from = (int) Math.min(offset, window.size());
        int to = (int) Math.min(offset + query.perPage, window.size());
        return new EventPage(window.size(), new ArrayList<>(window.subList(from, to)));
    }

    /** First index whose created_at is at or after {@code micros}. */
    private int lowerBound(long micros) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).createdAtMicros() < micros) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int upperBound(StoredEvent event) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (StoredEvent.ORDER.compare(events.get(mid), event) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static StoredEvent stored(ObjectNode event) {
        Objects.requireNonNull(event, "event");
        JsonNode id = event.get("id");
        JsonNode createdAt = event.get("created_at");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new IllegalArgumentException("the event needs a string \"id\": " + event);
        }
        if (createdAt == null || !createdAt.isTextual()) {
            throw new IllegalArgumentException("the event needs a string \"created_at\": " + event);
        }
        long micros;
        try {
            micros = HaloTimestamps.toMicros(Instant.parse(createdAt.asText()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unparsable created_at '" + createdAt.asText() + "'", e);
        }
        JsonNode type = event.get("type");
        JsonNode critical = event.get("critical");
        JsonNode platform = event.get("server_platform");
        try {
            byte[] json = MAPPER.writeValueAsBytes(event);
            return new StoredEvent(micros, id.asText(),
                    type == null ? "" : type.asText().toLowerCase(Locale.ROOT),
                    critical != null && critical.isBoolean() ? critical.booleanValue() : null,
                    text(event, "server_id"),
                    text(event, "group_id") != null ? text(event, "group_id") : text(event, "server_group_id"),
                    platform == null || platform.isNull() ? null : platform.asText().toLowerCase(Locale.ROOT),
                    json, 0, json.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(ObjectNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
