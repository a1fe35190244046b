package io.haloconnector.state;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checkpoint in PostgreSQL, one row per state key ({@code halo_checkpoint}) and one row per
 * delivered id kept for dedup ({@code halo_delivered_id}). {@link #save} writes the difference to
 * the last saved checkpoint (new ids inserted, ids that left the overlap window deleted, the cursor
 * and output position updated) in one transaction, so {@link #load} sees the old or the new
 * checkpoint, never a mix. The key lets several accounts share one database later.
 */
public final class JdbcCheckpointStore implements CheckpointStore {
    private final StateDatabase database;
    private final DataSource dataSource;
    private final String stateKey;
    // what the database holds for this key after the last commit: the base of the next diff
    private Map<String, Instant> savedIds = Map.of();
    private boolean rowExists;
    // false until a load or a save: the first save then replaces all the key's ids instead of a diff
    private boolean known;

    /** A store in {@code database} (its schema migrated) for {@code stateKey}; the pool is the caller's to close. */
    public JdbcCheckpointStore(StateDatabase database, String stateKey) {
        this.database = database;
        this.dataSource = database.dataSource();
        this.stateKey = stateKey;
    }

    @Override
    public String location() {
        return "state key '" + stateKey + "' in " + database.location();
    }

    @Override
    public String resetHint() {
        return "run UPDATE halo_checkpoint SET cursor_at = '<created_at of the last event your output received>' WHERE"
                + " state_key = '" + stateKey + "' (or DELETE that row to start again from the account's start)";
    }

    @Override
    public void close() {
        // the accounts share the pool: the connector closes it after the last account's store
    }

    @Override
    public Optional<Checkpoint> load() {
        return loadCommitted().map(CommittedCheckpoint::checkpoint);
    }

    /** The checkpoint with the time of its commit ({@code saved_at}), read in one transaction. */
    public synchronized Optional<CommittedCheckpoint> loadCommitted() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // the row and its ids of one commit
            connection.setReadOnly(true);
            try {
                Optional<CommittedCheckpoint> loaded = read(connection);
                connection.commit();
                return loaded;
            } finally {
                connection.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw database.failure("cannot read the checkpoint (state key '" + stateKey + "') from", e);
        }
    }

    private Optional<CommittedCheckpoint> read(Connection connection) throws SQLException {
        Checkpoint row;
        Instant savedAt;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT start_at, cursor_at, output, output_position, saved_at FROM halo_checkpoint WHERE state_key = ?")) {
            select.setString(1, stateKey);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    rowExists = false;
                    savedIds = Map.of();
                    known = true;
                    return Optional.empty();
                }
                row = new Checkpoint(instant(rs.getTimestamp(1)), instant(rs.getTimestamp(2)), Map.of(),
                        rs.getString(3), rs.getString(4));
                savedAt = instant(rs.getTimestamp(5));
            }
        }
        Map<Instant, Set<String>> byTime = new TreeMap<>();
        Map<String, Instant> ids = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT event_id, created_at FROM halo_delivered_id WHERE state_key = ? ORDER BY created_at, event_id")) {
            select.setString(1, stateKey);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Instant at = instant(rs.getTimestamp(2));
                    byTime.computeIfAbsent(at, t -> new LinkedHashSet<>()).add(rs.getString(1));
                    ids.put(rs.getString(1), at);
                }
            }
        }
        rowExists = true;
        savedIds = ids;
        known = true;
        return Optional.of(new CommittedCheckpoint(new Checkpoint(row.start(), row.cursor(), byTime, row.output(),
                row.outputPosition()), savedAt));
    }

    @Override
    public synchronized void save(Checkpoint checkpoint) {
        Map<String, Instant> ids = new HashMap<>();
        checkpoint.deliveredIds().forEach((time, set) -> set.forEach(id -> ids.put(id, time)));
        try {
            try {
                saveOnce(checkpoint, ids);
            } catch (SQLException e) {
                if (!StateDatabase.unreachable(e) || e instanceof SQLTransientConnectionException) {
                    throw e; // no connection came within the pool's timeout: the database is down, not one connection
                }
                // a pooled connection the server cut while it was down: once more, on a new one
                saveOnce(checkpoint, ids);
            }
        } catch (SQLException e) {
            throw new StateException("cannot write the checkpoint (" + location() + "): " + StateDatabase.describe(e)
                    + ": delivery stops until it can", e);
        }
        savedIds = ids;
        rowExists = true;
        known = true;
    }

    private void saveOnce(Checkpoint checkpoint, Map<String, Instant> ids) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                writeDiff(connection, checkpoint, ids);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    private void writeDiff(Connection connection, Checkpoint checkpoint, Map<String, Instant> ids) throws SQLException {
        // the row first: the ids reference it
        String upsert = rowExists && known
                ? "UPDATE halo_checkpoint SET start_at = ?, cursor_at = ?, output = ?, output_position = ?, saved_at = now()"
                + " WHERE state_key = ?"
                : "INSERT INTO halo_checkpoint (start_at, cursor_at, output, output_position, state_key, saved_at)"
                + " VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (state_key) DO UPDATE SET start_at = excluded.start_at,"
                + " cursor_at = excluded.cursor_at, output = excluded.output, output_position = excluded.output_position,"
                + " saved_at = now()";
        try (PreparedStatement row = connection.prepareStatement(upsert)) {
            row.setTimestamp(1, Timestamp.from(checkpoint.start()));
            row.setTimestamp(2, checkpoint.cursor() == null ? null : Timestamp.from(checkpoint.cursor()));
            row.setString(3, checkpoint.output());
            row.setString(4, checkpoint.outputPosition());
            row.setString(5, stateKey);
            if (row.executeUpdate() != 1) {
                throw new SQLException("the checkpoint row of state key '" + stateKey + "' is gone (deleted by hand?)");
            }
        }
        if (!known) {
            try (PreparedStatement clear = connection.prepareStatement("DELETE FROM halo_delivered_id WHERE state_key = ?")) {
                clear.setString(1, stateKey);
                clear.executeUpdate();
            }
        }
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM halo_delivered_id WHERE state_key = ? AND event_id = ?")) {
            int batched = 0;
            for (Map.Entry<String, Instant> old : savedIds.entrySet()) {
                if (!old.getValue().equals(ids.get(old.getKey()))) {
                    delete.setString(1, stateKey);
                    delete.setString(2, old.getKey());
                    delete.addBatch();
                    batched++;
                }
            }
            if (batched > 0) {
                delete.executeBatch();
            }
        }
        // ON CONFLICT: a commit whose answer was lost may have landed; saving it again must not fail
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO halo_delivered_id (state_key, event_id, created_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (state_key, event_id) DO UPDATE SET created_at = excluded.created_at")) {
            int batched = 0;
            for (Map.Entry<String, Instant> id : ids.entrySet()) {
                if (!id.getValue().equals(savedIds.get(id.getKey()))) {
                    insert.setString(1, stateKey);
                    insert.setString(2, id.getKey());
                    insert.setTimestamp(3, Timestamp.from(id.getValue()));
                    insert.addBatch();
                    batched++;
                }
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: the transaction dies with it
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
