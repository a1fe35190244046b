package io.haloconnector.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.JdbcStateSettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL database of the checkpoint: a HikariCP pool (it reconnects by itself after the
 * server comes back) and the schema, created or migrated at start by {@link #migrate}. The schema
 * is versioned DDL of our own in {@code halo_schema_version}: two tables need no migration tool,
 * and a database whose version is newer than this code knows is refused with one line.
 */
public final class StateDatabase implements AutoCloseable {
    /** The schema version this code writes; each later version appends its DDL to {@link #MIGRATIONS}. */
    public static final int SCHEMA_VERSION = 1;
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(), // version 0: an empty database
            List.of(
                    "CREATE TABLE halo_checkpoint (state_key text PRIMARY KEY, start_at timestamptz NOT NULL,"
                            + " cursor_at timestamptz, output text, output_position text, saved_at timestamptz NOT NULL)",
                    "CREATE TABLE halo_delivered_id (state_key text NOT NULL REFERENCES halo_checkpoint (state_key)"
                            + " ON DELETE CASCADE, event_id text NOT NULL, created_at timestamptz NOT NULL,"
                            + " PRIMARY KEY (state_key, event_id))"));
    // one migration at a time when several connectors start on one database
    private static final long MIGRATION_LOCK = 0x48616c6f5374L;

    private final HikariDataSource pool;
    private final String location;

    private StateDatabase(HikariDataSource pool, String location) {
        this.pool = pool;
        this.location = location;
    }

    /** The name the connector's sessions carry in PostgreSQL ({@code pg_stat_activity.application_name}). */
    public static final String CONNECTOR_APPLICATION = "halo-connector";

    /** A pool on the database; connects only when first used, so an unreachable server does not stop this. */
    public static StateDatabase open(JdbcStateSettings settings) {
        return open(settings, CONNECTOR_APPLICATION);
    }

    /**
     * As {@link #open(JdbcStateSettings)}, its sessions named {@code application} in PostgreSQL: a
     * command names its own, so that {@link #connectorSessions} tells a running connector from it.
     */
    public static StateDatabase open(JdbcStateSettings settings, String application) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("halo-state");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(2); // one poll saves at a time; the second serves a check meanwhile
        config.setMinimumIdle(1);
        // a save waits this long for a connection while the database is down, then the poll stops
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(-1); // the first use reports, with the connector's own words
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "30"); // a server that stops answering fails the save
        config.addDataSourceProperty("reWriteBatchedInserts", "true"); // a page's ids in one INSERT
        config.addDataSourceProperty("ApplicationName", application);
        return new StateDatabase(new HikariDataSource(config), settings.location());
    }

    /** The pool. */
    public DataSource dataSource() {
        return pool;
    }

    /** host, port and database, for log lines. */
    public String location() {
        return location;
    }

    /**
     * Creates the tables on an empty database, or brings an older schema to {@link #SCHEMA_VERSION}.
     * Throws {@link ConfigurationException} when the credentials or database are wrong,
     * {@link StateUnavailableException} when the server cannot be reached, and {@link StateException}
     * when the schema is newer than this code.
     */
    public void migrate() {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                statement.execute("CREATE TABLE IF NOT EXISTS halo_schema_version (version integer NOT NULL,"
                        + " applied_at timestamptz NOT NULL DEFAULT now())");
                int version = 0;
                try (ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM halo_schema_version")) {
                    if (rs.next()) {
                        version = rs.getInt(1);
                    }
                }
                if (version > SCHEMA_VERSION) {
                    connection.rollback();
                    throw new StateException("the state database " + location + " has schema version " + version
                            + ", newer than this connector knows (" + SCHEMA_VERSION + "): run the connector version that"
                            + " wrote it, or set halo.state.jdbc.url to another database", null);
                }
                for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
                    for (String ddl : MIGRATIONS.get(next)) {
                        statement.execute(ddl);
                    }
                    statement.execute("INSERT INTO halo_schema_version (version) VALUES (" + next + ")");
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw failure("cannot open", e);
        }
    }

    /** The exception for a failed use of the database at start: wrong settings, unreachable, or other. */
    RuntimeException failure(String what, SQLException e) {
        String state = sqlState(e);
        if (state != null && state.startsWith("28")) {
            return new ConfigurationException("PostgreSQL at " + location + " refused the login (" + state + " "
                    + serverMessage(e) + "): fix halo.state.jdbc.username or halo.state.jdbc.password (HALO_STATE_JDBC_PASSWORD)");
        }
        if ("3D000".equals(state)) {
            return new ConfigurationException("PostgreSQL at " + location + " has no such database (" + serverMessage(e)
                    + "): create it, or fix the database name in halo.state.jdbc.url");
        }
        if ("42501".equals(state)) {
            return new ConfigurationException("PostgreSQL at " + location + " does not let halo.state.jdbc.username create"
                    + " the state tables (" + serverMessage(e) + "): grant CREATE on its schema, or create them as its owner once");
        }
        if (unreachable(e)) {
            return new StateUnavailableException("the state database " + location + " cannot be reached (" + describe(e)
                    + "): check halo.state.jdbc.url and that PostgreSQL runs", e);
        }
        return new StateException(what + " the state database " + location + ": " + describe(e), e);
    }

    /** True for a failure to connect or a lost connection (SQLState class 08, or no answer in time). */
    static boolean unreachable(SQLException e) {
        String state = sqlState(e);
        return state == null || state.startsWith("08") || state.equals("57P01") || state.equals("57P03");
    }

    /** One line: the deepest database message (never the credentials: the driver does not print them). */
    static String describe(SQLException e) {
        String state = sqlState(e);
        String message = serverMessage(e);
        return (state == null ? "" : state + " ") + message;
    }

    /** The SQLState of the innermost SQL exception that has one. */
    private static String sqlState(Throwable e) {
        String state = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
            }
        }
        return state;
    }

    private static String serverMessage(Throwable e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                deepest = t;
            }
        }
        String message = deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    /**
     * The client addresses of the connectors' sessions on this database now (one per session, a
     * Unix socket as {@code local}): a running connector keeps at least one open.
     */
    public List<String> connectorSessions() {
        try (Connection connection = pool.getConnection();
             java.sql.PreparedStatement select = connection.prepareStatement("SELECT coalesce(host(client_addr), 'local')"
                     + " FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?"
                     + " AND pid <> pg_backend_pid()")) {
            select.setString(1, CONNECTOR_APPLICATION);
            List<String> hosts = new java.util.ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
            return hosts;
        } catch (SQLException e) {
            throw failure("cannot read the sessions of", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
