package io.haloconnector.state;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.testkit.postgres.PostgresDatabases;
import io.haloconnector.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.haloconnector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkpoint store contract, and what only the PostgreSQL store has, on a real PostgreSQL
 * server ({@link PostgresServer}): a save is one transaction, the schema is created once and a
 * newer one refused, wrong credentials name the setting to fix and never show the password, the
 * server going away fails the save and its return lets the next save through.
 */
class JdbcCheckpointStoreTest extends CheckpointStoreContract {
    @RegisterExtension
    static final PostgresDatabases POSTGRES = new PostgresDatabases();

    private String url;
    private final List<StateDatabase> opened = new ArrayList<>();

    @BeforeEach
    void newDatabase() throws Exception {
        url = POSTGRES.create("store");
    }

    @AfterEach
    void closePools() {
        opened.forEach(StateDatabase::close);
    }

    @Override
    CheckpointStore openStore() {
        return openStore("default");
    }

    private JdbcCheckpointStore openStore(String key) {
        StateDatabase database = database(url, POSTGRES.server().password());
        database.migrate();
        return new JdbcCheckpointStore(database, key);
    }

    private StateDatabase database(String jdbcUrl, String password) {
        StateDatabase database = StateDatabase.open(new JdbcStateSettings(jdbcUrl, PostgresServer.USER, password, "default"));
        opened.add(database);
        return database;
    }

    @Test
    void aSaveThatFailsHalfwayLeavesTheWholeOldCheckpoint() throws Exception {
        Checkpoint next = new Checkpoint(START, START.plusSeconds(300), Map.of(START.plusSeconds(300), Set.of("d")), "hec", "q");
        Checkpoint first = new Checkpoint(START, START.plusSeconds(10),
                Map.of(START.plusSeconds(9), Set.of("a"), START.plusSeconds(10), Set.of("b")), "hec", null);
        try (JdbcCheckpointStore store = openStore("default")) {
            store.save(first);
            // the database refuses one id of the next save, after the row and the deletes have been written
            try (Connection connection = POSTGRES.server().connect(url); Statement statement = connection.createStatement()) {
                statement.execute("CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.event_id = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER refuse_poison BEFORE INSERT ON halo_delivered_id FOR EACH ROW"
                        + " EXECUTE FUNCTION refuse_poison()");
            }
            Checkpoint poisoned = new Checkpoint(START, START.plusSeconds(200),
                    Map.of(START.plusSeconds(199), Set.of("c"), START.plusSeconds(200), Set.of("poison")), "hec", "p");
            assertThatThrownBy(() -> store.save(poisoned)).isInstanceOf(StateException.class)
                    .hasMessageContaining("cannot write the checkpoint (state key 'default' in postgresql://127.0.0.1:")
                    .hasMessageContaining("poison refused");
            assertThat(store.load()).as("cursor, ids and position of the first save, all of them").contains(first);

            // the next save diffs against what the database holds, not against the failed one
            store.save(next);
        }
        try (CheckpointStore store = openStore()) {
            assertThat(store.load()).contains(next);
        }
    }

    @Test
    void aSaveWithoutALoadBeforeItReplacesEveryIdOfItsKey() {
        Checkpoint old = new Checkpoint(START, START.plusSeconds(1), Map.of(START.plusSeconds(1), Set.of("a", "b")), "hec", null);
        Checkpoint fresh = new Checkpoint(START, START.plusSeconds(2), Map.of(START.plusSeconds(2), Set.of("c")), "hec", null);
        try (JdbcCheckpointStore store = openStore("default")) {
            store.save(old);
        }
        try (JdbcCheckpointStore store = openStore("default")) {
            store.save(fresh); // no load first: there is no last saved checkpoint to diff against
            assertThat(store.load()).contains(fresh);
        }
    }

    @Test
    void twoStateKeysInOneDatabaseKeepTheirOwnCheckpoints() {
        Checkpoint production = new Checkpoint(START, START.plusSeconds(5), Map.of(START.plusSeconds(5), Set.of("same-id")), "hec", null);
        Checkpoint staging = new Checkpoint(START, START.plusSeconds(7), Map.of(START.plusSeconds(7), Set.of("same-id")), "hec", null);
        try (JdbcCheckpointStore a = openStore("production"); JdbcCheckpointStore b = openStore("staging")) {
            a.save(production);
            b.save(staging);
            b.save(new Checkpoint(START, START.plusSeconds(500), Map.of(), "hec", null));
            assertThat(a.load()).contains(production);
            assertThat(b.location()).isEqualTo("state key 'staging' in postgresql://127.0.0.1:" + POSTGRES.server().port() + "/"
                    + url.substring(url.lastIndexOf('/') + 1));
        }
    }

    @Test
    void theSchemaIsCreatedOnceAndANewerOneIsRefusedWithOneLineSayingWhatToDo() throws Exception {
        StateDatabase database = database(url, POSTGRES.server().password());
        database.migrate();
        database.migrate(); // a restart: nothing to do
        try (Connection connection = POSTGRES.server().connect(url); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*), max(version) FROM halo_schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getInt(2)).isEqualTo(StateDatabase.SCHEMA_VERSION);
            }
            statement.execute("INSERT INTO halo_schema_version (version) VALUES (" + (StateDatabase.SCHEMA_VERSION + 1) + ")");
        }
        assertThatThrownBy(database::migrate).isInstanceOf(StateException.class)
                .isNotInstanceOf(StateUnavailableException.class)
                .hasMessage("the state database postgresql://127.0.0.1:" + POSTGRES.server().port() + url.substring(url.lastIndexOf('/'))
                        + " has schema version 2, newer than this connector knows (1): run the connector version that wrote it,"
                        + " or set halo.state.jdbc.url to another database");
    }

    @Test
    void aWrongPasswordNamesTheSettingToFixAndNeverShowsThePassword() {
        String wrong = "not-the-password-" + System.nanoTime();
        StateDatabase database = database(url, wrong);
        assertThatThrownBy(database::migrate).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("refused the login (28P01")
                .hasMessageContaining("fix halo.state.jdbc.username or halo.state.jdbc.password (HALO_STATE_JDBC_PASSWORD)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong).doesNotContain("\n"));
    }

    @Test
    void aServerThatCannotBeReachedIsUnavailableNotAConfigurationError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        StateDatabase database = database("jdbc:postgresql://127.0.0.1:" + closed + "/halo", POSTGRES.server().password());
        assertThatThrownBy(database::migrate).isInstanceOf(StateUnavailableException.class)
                .hasMessageContaining("the state database postgresql://127.0.0.1:" + closed + "/halo cannot be reached")
                .hasMessageContaining("check halo.state.jdbc.url and that PostgreSQL runs")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(POSTGRES.server().password()));
    }

    @Test
    void theServerGoingDownFailsTheSaveAndItsReturnLetsTheNextSaveThrough() throws Exception {
        Checkpoint before = new Checkpoint(START, START.plusSeconds(1), Map.of(START.plusSeconds(1), Set.of("a")), "hec", null);
        Checkpoint after = new Checkpoint(START, START.plusSeconds(2), Map.of(START.plusSeconds(2), Set.of("b")), "hec", null);
        try (JdbcCheckpointStore store = openStore("default")) {
            store.save(before);
            POSTGRES.server().stop();
            try {
                assertThatThrownBy(() -> store.save(after)).isInstanceOf(StateException.class)
                        .hasMessageContaining("cannot write the checkpoint (state key 'default' in postgresql://127.0.0.1:")
                        .hasMessageContaining("delivery stops until it can")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(POSTGRES.server().password()).doesNotContain("\n"));
            } finally {
                POSTGRES.server().start();
            }
            store.save(after); // the pool connects again by itself
            assertThat(store.load()).contains(after);
        }
    }

    /** The PostgreSQL cost of one page's commit, printed for docs/capacity.md. */
    @Test
    void theTransactionCostPerPageIsMeasured() {
        try (CheckpointStore store = openStore()) {
            DeliveredEvents delivered = new DeliveredEvents();
            EventCursor cursor = new EventCursor(store, delivered, OVERLAP, "hec");
            cursor.open(START, false);
            // catch-up: 500 events a page, one a second (a fifth of each page stays in the 2-minute overlap)
            long[] catchUp = commitPages(cursor, delivered, 100, 1000);
            // a burst: 500 events a page within 60 s, so every id of a page is kept and the last page's leave
            long[] burst = commitPages(cursor, delivered, 100, 120);
            print("catch-up pages (500 events over 500 s)", catchUp);
            print("burst pages (500 events over 60 s)", burst);
            assertThat(catchUp[catchUp.length / 2]).as("median microseconds per save").isLessThan(1_000_000);
        }
    }

    private static long[] commitPages(EventCursor cursor, DeliveredEvents delivered, int pages, long millisApart) {
        long[] micros = new long[pages];
        Instant at = cursor.cursor() == null ? START : cursor.cursor();
        for (int p = 0; p < pages; p++) {
            List<HaloEvent> page = new ArrayList<>(500);
            for (int i = 0; i < 500; i++) {
                at = at.plusMillis(millisApart);
                HaloEvent e = event("e-" + at.toEpochMilli() + "-" + i, at);
                delivered.add(e.id());
                page.add(e);
            }
            long began = System.nanoTime();
            cursor.commit(page, null);
            micros[p] = (System.nanoTime() - began) / 1000;
        }
        return micros;
    }

    private static void print(String what, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        long[] warm = sorted;
        System.out.printf("[capacity] PostgreSQL save per page, %s: median %.2f ms, p95 %.2f ms, max %.2f ms (%d saves)%n",
                what, warm[warm.length / 2] / 1000.0, warm[warm.length * 95 / 100] / 1000.0, warm[warm.length - 1] / 1000.0,
                warm.length);
    }
}
