package io.haloconnector.poll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A backfill: the events one account's Halo API lists from {@code since} (included) to
 * {@code until} (excluded), read again into the configured output by a connector run of its own,
 * beside the live one. That run polls only this account, keeps a checkpoint of its own
 * ({@link #stateKey()}, in a state folder of its own) so the live checkpoint is never read nor
 * written, and never asks for events at or after {@code until}. The window is done when that
 * checkpoint's cursor reaches {@code until} ({@link PollWindow} with a final end): a killed run
 * resumes from its checkpoint, a finished one is not read again. Bound in the registry as
 * {@value #BEAN} by the backfill command; the connector then runs as a backfill.
 */
public final class BackfillWindow {
    /** The registry name the connector looks this up by. */
    public static final String BEAN = "haloBackfill";
    // the longest state key a checkpoint takes (AccountSettings)
    private static final int MAX_STATE_KEY = 100;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final String account;
    private final Instant since;
    private final Instant until;
    private final boolean again;
    private final List<String> accountsInRoutes = new ArrayList<>();
    private volatile Runnable whenDone = () -> { };
    private volatile String stateLocation;
    private volatile boolean opened;
    private volatile boolean doneAtStart;
    private volatile boolean done;
    private volatile LongSupplier delivered = () -> 0;

    /**
     * @param again forget what an earlier run of the same window did and deliver the whole window again
     */
    public BackfillWindow(String account, Instant since, Instant until, boolean again) {
        if (!since.isBefore(until)) {
            throw new IllegalArgumentException("a backfill window ends after it starts: " + since + " to " + until);
        }
        this.account = account;
        this.since = since;
        this.until = until;
        this.again = again;
    }

    public String account() {
        return account;
    }

    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }

    public boolean again() {
        return again;
    }

    /**
     * The key of this window's checkpoint, the same for every run of the same account and window (so a
     * rerun resumes it) and apart from every live account's: {@code backfill-<account>-<since>-<until>}.
     */
    public String stateKey() {
        String key = "backfill-" + account + "-" + compact(since) + "-" + compact(until);
        if (key.length() <= MAX_STATE_KEY) {
            return key;
        }
        // a long account name: still one key per window, short enough for a checkpoint row
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "backfill-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * The folder of this backfill's own state (its checkpoint with the file store, its dead letters)
     * in the configured state folder: the live connector's lock and files stay its own.
     */
    public Path stateDir(Path configured) {
        return configured.resolve(stateKey());
    }

    /**
     * The folder of this backfill's events with the file output: the file output cuts its files back
     * to its own checkpoint's position at start, so a backfill writing the live files would lose lines.
     */
    public Path fileDir(Path configured) {
        return configured.resolve(stateKey());
    }

    /** True when a checkpoint with this cursor has read the whole window. */
    public boolean isReadBy(Instant cursor) {
        return cursor != null && !cursor.isBefore(until);
    }

    /** The run ends with this, once the window is read (or was, before the run). */
    public void whenDone(Runnable action) {
        this.whenDone = action;
    }

    /** An account of the routes, polled or not, for the line that names the known ones. */
    public synchronized void accountInRoutes(String name) {
        accountsInRoutes.add(name);
    }

    public synchronized List<String> accountsInRoutes() {
        return List.copyOf(accountsInRoutes);
    }

    /**
     * The account was opened with this window's checkpoint.
     *
     * @param location  where the checkpoint is, for the lines the command prints
     * @param cursor    the checkpoint's cursor as opened
     * @param delivered the events this run has delivered so far
     */
    public void opened(String location, Instant cursor, LongSupplier delivered) {
        this.stateLocation = location;
        this.delivered = delivered;
        this.doneAtStart = isReadBy(cursor);
        this.opened = true;
    }

    public boolean isOpened() {
        return opened;
    }

    /** The window had been read by an earlier run when this one opened its checkpoint. */
    public boolean wasDoneAtStart() {
        return doneAtStart;
    }

    public boolean isDone() {
        return done;
    }

    public String stateLocation() {
        return stateLocation;
    }

    public long delivered() {
        return delivered.getAsLong();
    }

    /** A poll ended with the checkpoint's cursor at {@code until}: every event of the window is delivered. */
    public void windowRead() {
        done = true;
        whenDone.run();
    }

    @Override
    public String toString() {
        return "BackfillWindow[" + account + ", " + since + " to " + until + (again ? ", again" : "") + "]";
    }

    private static String compact(Instant at) {
        int millis = at.getNano() / 1_000_000;
        return SECONDS.format(at) + (millis == 0 ? "" : String.format(".%03d", millis)) + "Z";
    }
}
