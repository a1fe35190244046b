package io.haloconnector.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.DurationText;
import io.haloconnector.config.JdbcStateSettings;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.state.Checkpoint;
import io.haloconnector.state.CheckpointStore;
import io.haloconnector.state.CommittedCheckpoint;
import io.haloconnector.state.FileCheckpointStore;
import io.haloconnector.state.JdbcCheckpointStore;
import io.haloconnector.state.StateDatabase;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code halo-connector state}: {@code show} prints each account's checkpoint (cursor, lag, dedup
 * ids, store, last commit) from the file store or PostgreSQL, without stopping a running
 * connector; {@code set-cursor --account A T} moves one account's cursor, refused while a
 * connector holds that account ({@link AccountHold}).
 */
public final class StateCommand {
    private static final String HELP = """
            Usage: halo-connector state show [--account A] [--json] [--config FILE]
                   halo-connector state set-cursor --account A T [--config FILE]

            show        each account's cursor (created_at of the newest delivered event), its lag
                        (now - cursor), the dedup ids held, the last commit and the store; read while
                        the connector runs
            set-cursor  moves account A's cursor to T (ISO-8601, such as 2026-12-01T00:00:00Z): the next
                        poll reads from T - halo.poll.overlap. Moved back, it delivers again the events
                        after T, and those of the overlap before T whose ids are no longer held. Refused
                        while a connector holds the account (its state lock, or the cluster's lead).
            """;

    private StateCommand() {
    }

    /** The command; see {@link HaloConnectorCommands} for the signature. */
    public static int run(List<String> args) {
        CommandArguments read = CommandArguments.read("state", args, Set.of("--config", "--account"), Set.of("--json"));
        if (read.help()) {
            System.out.print(HELP);
            return HaloConnectorCommands.EXIT_OK;
        }
        if (read.words().isEmpty()) {
            throw read.wrong("say show or set-cursor (halo-connector state --help)");
        }
        String action = read.words().get(0);
        if (!action.equals("show") && !action.equals("set-cursor")) {
            throw read.wrong("unknown action " + action + ": expected show or set-cursor");
        }
        try (CommandConfiguration configuration = CommandConfiguration.load(read.value("--config").orElse(null))) {
            return switch (action) {
                case "show" -> {
                    read.atMostWords(1);
                    yield show(configuration, read.value("--account"), read.flag("--json"), Clock.systemUTC());
                }
                case "set-cursor" -> {
                    read.atMostWords(2);
                    String account = read.value("--account").orElseThrow(() -> read.wrong(
                            "set-cursor needs the account: set-cursor --account A T"));
                    if (read.words().size() < 2) {
                        throw read.wrong("set-cursor needs the time: set-cursor --account " + account + " T (ISO-8601)");
                    }
                    yield setCursor(configuration, configuration.account(account), time(read, read.words().get(1)),
                            Clock.systemUTC());
                }
                default -> throw new IllegalStateException(action);
            };
        }
    }

    private static Instant time(CommandArguments read, String text) {
        try {
            return ConnectorSettings.parseStart(text);
        } catch (RuntimeException e) {
            throw read.wrong(text + " is not a time: give ISO-8601, such as 2026-12-01T00:00:00Z or 2026-12-01");
        }
    }

    private static int show(CommandConfiguration configuration, Optional<String> only, boolean json, Clock clock) {
        List<CommandConfiguration.Account> accounts = configuration.accounts(only);
        List<Row> rows = new ArrayList<>();
        Optional<JdbcStateSettings> jdbc = configuration.jdbc();
        if (jdbc.isPresent()) {
            try (StateDatabase database = StateDatabase.open(jdbc.get(), CommandConfiguration.DATABASE_APPLICATION)) {
                for (CommandConfiguration.Account account : accounts) {
                    JdbcCheckpointStore store = new JdbcCheckpointStore(database, account.stateKey());
                    rows.add(new Row(account.name(), store.loadCommitted(), store.location()));
                }
            }
        } else {
            for (CommandConfiguration.Account account : accounts) {
                rows.add(new Row(account.name(), FileCheckpointStore.peek(configuration.stateDir(account)),
                        FileCheckpointStore.checkpointFile(configuration.stateDir(account)).toString()));
            }
        }
        Instant now = clock.instant();
        System.out.print(json ? json(rows, now) : table(rows, now));
        return HaloConnectorCommands.EXIT_OK;
    }

    /** One account's line of {@code state show}. */
    private record Row(String account, Optional<CommittedCheckpoint> committed, String store) {
        Optional<Instant> cursor() {
            return committed.map(c -> c.checkpoint().cursor());
        }
    }

    private static String table(List<Row> rows, Instant now) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("ACCOUNT", "CURSOR", "LAG", "DEDUP IDS", "LAST COMMIT", "STORE"));
        for (Row row : rows) {
            Optional<Instant> cursor = row.cursor();
            cells.add(List.of(row.account(),
                    row.committed().isEmpty() ? "(no checkpoint yet)"
                            : cursor.map(Instant::toString).orElse("(no event yet, from " + row.committed().get().checkpoint().start() + ")"),
                    cursor.map(c -> lag(Duration.between(c, now))).orElse("-"),
                    row.committed().map(c -> Integer.toString(c.deliveredIdCount())).orElse("0"),
                    row.committed().map(c -> c.savedAt() == null ? "-" : c.savedAt().truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-"),
                    row.store()));
        }
        int[] widths = new int[cells.get(0).size()];
        cells.forEach(line -> {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        });
        StringBuilder text = new StringBuilder();
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                text.append(i == line.size() - 1 ? line.get(i) : String.format("%-" + (widths[i] + 2) + "s", line.get(i)));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** A lag as {@code 3d 4h}, {@code 2h 5m}, {@code 4m 10s} or {@code 12s}. */
    static String lag(Duration lag) {
        if (lag.isNegative()) {
            return "-" + lag(lag.negated());
        }
        long seconds = lag.toSeconds();
        if (seconds >= 86_400) {
            return seconds / 86_400 + "d " + seconds % 86_400 / 3_600 + "h";
        }
        if (seconds >= 3_600) {
            return seconds / 3_600 + "h " + seconds % 3_600 / 60 + "m";
        }
        return seconds >= 60 ? seconds / 60 + "m " + seconds % 60 + "s" : DurationText.shortest(Duration.ofSeconds(seconds));
    }

    private static String json(List<Row> rows, Instant now) {
        ObjectNode root = HaloJson.MAPPER.createObjectNode();
        root.put("time", now.toString());
        ArrayNode accounts = root.putArray("accounts");
        for (Row row : rows) {
            ObjectNode account = accounts.addObject();
            account.put("account", row.account());
            account.put("checkpoint", row.committed().isPresent());
            account.put("cursor", row.cursor().map(Instant::toString).orElse(null));
            if (row.cursor().isPresent()) {
                account.put("lagSeconds", Duration.between(row.cursor().get(), now).toSeconds());
            } else {
                account.putNull("lagSeconds");
            }
            account.put("dedupIds", row.committed().map(CommittedCheckpoint::deliveredIdCount).orElse(0));
            account.put("lastCommit", row.committed().map(CommittedCheckpoint::savedAt).map(Instant::toString).orElse(null));
            account.put("start", row.committed().map(c -> c.checkpoint().start().toString()).orElse(null));
            account.put("store", row.store());
        }
        try {
            return HaloJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int setCursor(CommandConfiguration configuration, CommandConfiguration.Account account, Instant to,
                                 Clock clock) {
        Instant now = clock.instant();
        // the connector refuses at start a cursor after now (a clock gone wrong would skip events)
        if (to.isAfter(now)) {
            throw new CommandLineException("state: " + to + " is in the future: give a time before now (" +
                    now.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        Instant oldest = now.minus(ConnectorSettings.RETENTION);
        if (to.isBefore(oldest)) {
            throw new CommandLineException("state: " + to + " is older than Halo's 90-day retention (" +
                    oldest.truncatedTo(ChronoUnit.SECONDS) + "): those events are gone; give a later time");
        }
        Optional<JdbcStateSettings> jdbc = configuration.jdbc();
        if (jdbc.isPresent()) {
            try (StateDatabase database = StateDatabase.open(jdbc.get(), CommandConfiguration.DATABASE_APPLICATION);
                 AccountHold hold = AccountHold.ofDatabase(configuration, account, database)) {
                database.migrate();
                return move(new JdbcCheckpointStore(database, account.stateKey()), account, to);
            }
        }
        // the store's lock is the running connector's: taken here, it keeps one from starting meanwhile
        try (FileCheckpointStore store = AccountHold.fileStore(configuration, account)) {
            return move(store, account, to);
        }
    }

    private static int move(CheckpointStore store, CommandConfiguration.Account account, Instant to) {
        Optional<Checkpoint> saved = store.load();
        Checkpoint old = saved.orElse(null);
        // ids after the new cursor are forgotten: a cursor moved back delivers those events again, as asked;
        // those at or before it stay (the overlap read from T drops them), where the checkpoint still holds them
        Map<Instant, Set<String>> kept = new TreeMap<>();
        if (old != null) {
            old.deliveredIds().forEach((time, ids) -> {
                if (!time.isAfter(to)) {
                    kept.put(time, new LinkedHashSet<>(ids));
                }
            });
        }
        // a cursor before the first run's start would be clamped to it: the start moves back with it
        Instant start = old == null || to.isBefore(old.start()) ? to : old.start();
        Checkpoint moved = old == null ? new Checkpoint(start, to, kept, null, null)
                : new Checkpoint(start, to, kept, old.output(), old.outputPosition());
        store.save(moved);
        System.out.println("account " + account.name() + ": cursor "
                + (old == null ? "(no checkpoint)" : old.cursor() == null ? "(no event yet)" : old.cursor().toString())
                + " -> " + to + " (" + store.location() + ")");
        return HaloConnectorCommands.EXIT_OK;
    }
}
