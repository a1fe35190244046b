package io.haloconnector.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.hec.HecDeadLetters;
import io.haloconnector.state.DurableFile;
import io.haloconnector.state.HaloDeadLetters;
import io.haloconnector.state.StateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code halo-connector dead-letters}: {@code list} counts the events HEC refused
 * ({@code hec-dead-letter.jsonl}) and the bad events Halo sent ({@code halo-dead-letter.jsonl} of
 * each account) by reason, with the oldest and newest; {@code replay} sends the HEC ones again
 * ({@link HecDeadLetterReplay}); {@code export --halo FILE} writes Halo's bad events as Halo sent
 * them, one a line (without a usable id they cannot be delivered).
 */
public final class DeadLettersCommand {
    private static final String HELP = """
            Usage: halo-connector dead-letters list [--account A] [--config FILE]
                   halo-connector dead-letters replay [--config FILE]
                   halo-connector dead-letters export --halo FILE [--account A] [--config FILE]

            list    counts the events HEC refused (halo.state.dir/hec-dead-letter.jsonl) and the bad events
                    Halo sent (halo-dead-letter.jsonl of each account's state folder) by reason, with the
                    oldest and newest
            replay  sends the HEC dead letters again through the HEC output (hec.*), a batch at a time; a
                    line leaves the file once HEC took it, and one HEC refuses again is kept. Runs beside
                    the connector; a replay killed midway repeats at most one batch when run again.
            export  writes Halo's bad events to FILE as Halo sent them, one a line: without a usable id
                    or time they cannot be delivered, only looked at
            """;

    private DeadLettersCommand() {
    }

    /** The command; see {@link HaloConnectorCommands} for the signature. */
    public static int run(List<String> args) {
        CommandArguments read = CommandArguments.read("dead-letters", args, Set.of("--config", "--account", "--halo"), Set.of());
        if (read.help()) {
            System.out.print(HELP);
            return HaloConnectorCommands.EXIT_OK;
        }
        if (read.words().isEmpty()) {
            throw read.wrong("say list, replay or export (halo-connector dead-letters --help)");
        }
        read.atMostWords(1);
        String action = read.words().get(0);
        if (!List.of("list", "replay", "export").contains(action)) {
            throw read.wrong("unknown action " + action + ": expected list, replay or export");
        }
        if (action.equals("export") && read.value("--halo").isEmpty()) {
            throw read.wrong("export needs the file to write: export --halo FILE");
        }
        try (CommandConfiguration configuration = CommandConfiguration.load(read.value("--config").orElse(null))) {
            List<CommandConfiguration.Account> accounts = configuration.accounts(read.value("--account"));
            return switch (action) {
                case "list" -> list(configuration, accounts);
                case "replay" -> HecDeadLetterReplay.run(configuration);
                default -> export(configuration, accounts, Path.of(read.value("--halo").orElseThrow()));
            };
        }
    }

    /** The HEC dead-letter files: the file the connector appends to, and the one a replay works through. */
    static List<Path> hecFiles(CommandConfiguration configuration) {
        Path dir = configuration.settings().stateDir();
        return List.of(dir.resolve(HecDeadLetters.FILE_NAME), dir.resolve(HecDeadLetterReplay.REPLAYING));
    }

    private static int list(CommandConfiguration configuration, List<CommandConfiguration.Account> accounts) {
        StringBuilder text = new StringBuilder();
        for (Path file : hecFiles(configuration)) {
            if (file.getFileName().toString().equals(HecDeadLetterReplay.REPLAYING) && !Files.exists(file)) {
                continue; // no replay under way
            }
            text.append(section("HEC refused", file, "reason"));
        }
        for (CommandConfiguration.Account account : accounts) {
            text.append(section("Halo bad events of account " + account.name(),
                    configuration.stateDir(account).resolve(HaloDeadLetters.FILE_NAME), "reason"));
        }
        System.out.print(text);
        return HaloConnectorCommands.EXIT_OK;
    }

    /** Counts by reason, oldest and newest by {@code time}, of one file of JSON lines, read line by line. */
    private static String section(String title, Path file, String reasonField) {
        Map<String, long[]> byReason = new TreeMap<>();
        Map<String, String[]> range = new TreeMap<>();
        long[] total = new long[1];
        forEachLine(file, line -> {
            total[0]++;
            JsonNode node = parse(line);
            String reason = node == null ? "(a line cut short, unreadable)" : node.path(reasonField).asText("(no reason)");
            String time = node == null ? null : node.path("time").asText(null);
            byReason.computeIfAbsent(reason, r -> new long[1])[0]++;
            String[] oldestNewest = range.computeIfAbsent(reason, r -> new String[2]);
            if (time != null) {
                // ISO-8601 instants of one writer compare as text
                if (oldestNewest[0] == null || time.compareTo(oldestNewest[0]) < 0) {
                    oldestNewest[0] = time;
                }
                if (oldestNewest[1] == null || time.compareTo(oldestNewest[1]) > 0) {
                    oldestNewest[1] = time;
                }
            }
        });
        StringBuilder text = new StringBuilder(title + ": " + total[0] + " in " + file.toAbsolutePath().normalize() + "\n");
        byReason.forEach((reason, count) -> {
            String[] oldestNewest = range.get(reason);
            text.append(String.format("  %6d  %s%s%n", count[0], reason, oldestNewest[0] == null ? ""
                    : "  (oldest " + oldestNewest[0] + ", newest " + oldestNewest[1] + ")"));
        });
        return text.toString();
    }

    private static int export(CommandConfiguration configuration, List<CommandConfiguration.Account> accounts, Path to) {
        StringBuilder events = new StringBuilder();
        int[] count = new int[1];
        for (CommandConfiguration.Account account : accounts) {
            forEachLine(configuration.stateDir(account).resolve(HaloDeadLetters.FILE_NAME), line -> {
                JsonNode node = parse(line);
                if (node != null && node.hasNonNull("raw")) {
                    // a line feed in a JSON text is whitespace between tokens: one event a line
                    events.append(node.get("raw").asText().replace('\n', ' ').replace('\r', ' ')).append('\n');
                    count[0]++;
                }
            });
        }
        try {
            Path file = to.toAbsolutePath().normalize();
            Files.createDirectories(file.getParent());
            new DurableFile(file).replace(events.toString().getBytes(StandardCharsets.UTF_8));
            System.out.println(count[0] + " bad events of " + (accounts.size() == 1 ? "account " + accounts.get(0).name()
                    : accounts.size() + " accounts") + " written to " + file + ", as Halo sent them, one a line");
        } catch (IOException e) {
            throw new CommandLineException("dead-letters: cannot write " + to + ": " + e.getMessage());
        }
        return HaloConnectorCommands.EXIT_OK;
    }

    /** Runs {@code action} on each line of a file of JSON lines that is not blank, one at a time; none when it does not exist. */
    private static void forEachLine(Path file, Consumer<String> action) {
        if (!Files.exists(file)) {
            return;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isBlank()).forEach(action);
        } catch (IOException | UncheckedIOException e) {
            throw new StateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** One JSON line as a tree, or null when it is not one (a line a crash cut short). */
    static JsonNode parse(String line) {
        try {
            JsonNode node = HaloJson.MAPPER.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
