package io.haloconnector.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one command: options {@code --name VALUE} or {@code --name=VALUE}, flags
 * {@code --name}, and the words left (such as a subcommand or a time). An option the command does
 * not declare, a missing value or a repeated option is a {@link CommandLineException} whose one
 * line names it. {@code --help} and {@code -h} are flags of every command.
 * <p>
 * A reader of our own rather than picocli (which resolves here): each command has a handful of
 * options, the backfill command is written against {@code int run(List<String> args)}, and
 * every error must stay one line with the command's name.
 */
public final class CommandArguments {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> words = new ArrayList<>();

    private CommandArguments(String command) {
        this.command = command;
    }

    /**
     * Reads {@code args} of {@code command} (its name, as error lines show it), which takes the
     * options {@code withValue} and the flags {@code flagNames} (each with its leading dashes).
     */
    public static CommandArguments read(String command, List<String> args, Set<String> withValue, Set<String> flagNames) {
        CommandArguments read = new CommandArguments(command);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ("-h".equals(arg) || "--help".equals(arg)) {
                read.flags.add("--help");
            } else if (arg.startsWith("--")) {
                int equals = arg.indexOf('=');
                String name = equals < 0 ? arg : arg.substring(0, equals);
                if (withValue.contains(name)) {
                    String value;
                    if (equals >= 0) {
                        value = arg.substring(equals + 1);
                    } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                        value = args.get(++i);
                    } else {
                        throw read.wrong(name + " needs a value: " + name + " VALUE");
                    }
                    if (read.values.putIfAbsent(name, value) != null) {
                        throw read.wrong(name + " is given twice: give it once");
                    }
                } else if (flagNames.contains(name) && equals < 0) {
                    read.flags.add(name);
                } else {
                    List<String> known = new ArrayList<>(withValue);
                    known.addAll(flagNames);
                    known.sort(null);
                    throw read.wrong("unknown option " + name + (known.isEmpty() ? ": it takes none"
                            : ": expected " + String.join(", ", known) + " or --help"));
                }
            } else if (arg.startsWith("-") && arg.length() > 1 && !Character.isDigit(arg.charAt(1))) {
                throw read.wrong("unknown option " + arg + ": options start with -- (" + command + " --help)");
            } else {
                read.words.add(arg);
            }
        }
        return read;
    }

    /** True when {@code --help} or {@code -h} was given. */
    public boolean help() {
        return flags.contains("--help");
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** The words that are not options, in order. */
    public List<String> words() {
        return List.copyOf(words);
    }

    /** Refuses words past the first {@code count}: one line naming the first extra one. */
    public void atMostWords(int count) {
        if (words.size() > count) {
            throw wrong("unexpected argument " + words.get(count) + " (" + command + " --help)");
        }
    }

    /** A one-line error about these arguments, prefixed with the command's name. */
    public CommandLineException wrong(String what) {
        return new CommandLineException(command + ": " + what);
    }
}
