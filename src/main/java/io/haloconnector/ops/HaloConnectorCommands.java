package io.haloconnector.ops;

import ch.qos.logback.classic.Level;
import io.haloconnector.app.ConnectorMain;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.poll.ReportPollFailure;
import io.haloconnector.state.StateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The command line of {@code bin/halo-connector}: {@code [COMMAND] [--config FILE] ...}. No command
 * (or {@code run}) runs the connector as before; {@code --help} lists the commands, {@code --version}
 * prints the version, and each command has its own {@code --help}.
 * <p>
 * A command is an {@link OperatorCommand}: {@code int run(List<String> args)}, given the arguments
 * after its name (a {@code --config FILE} written before the name comes first), printing its
 * answer to stdout and its one-line errors to stderr, and returning the exit code. It may throw
 * {@link CommandLineException} or {@code ConfigurationException} (exit 2) or
 * {@code StateException} (exit 1): the line printed is the message. Adding a command is one entry
 * in {@link #commands}, such as {@code BackfillCommand::run} for
 * {@code public static int run(List<String> args)} in {@code io.haloconnector.ops.BackfillCommand}.
 */
public final class HaloConnectorCommands {
    /** Exit code: done. */
    public static final int EXIT_OK = 0;
    /** Exit code: it cannot be done now (a store cannot be reached, a connector holds the account, HEC refuses). */
    public static final int EXIT_FAILED = 1;
    /** Exit code: bad input (an unknown command, option or account, a wrong time) or configuration. */
    public static final int EXIT_USAGE = 2;

    private static final String RUN_HELP = """
            Usage: halo-connector [run] [--config FILE] [--demo]

            Runs the connector until SIGTERM, then stops at a page boundary with the checkpoint saved
            (exit 0); a wrong setting or an unusable state folder ends it at once with one line (exit 2).
              --config FILE   the properties file (else HALO_CONNECTOR_CONFIG, else ./application.properties)
              --demo          polls a built-in Halo simulator and prints its events, state in ./demo
            """;

    /** A command: its name, what follows the name, and one line on what it does. */
    public record Command(String name, String synopsis, String summary, OperatorCommand action) {
    }

    private HaloConnectorCommands() {
    }

    /** The process {@code bin/halo-connector} starts: a command, or the connector when none is named. */
    public static void main(String[] args) {
        int code;
        try {
            code = run(List.of(args), ConnectorMain::runConnector);
        } catch (Throwable t) {
            code = ConnectorMain.reportStartFailure(t);
        }
        System.exit(code);
    }

    /** The commands in the order {@code --help} lists them; {@code connector} is the run command. */
    static List<Command> commands(OperatorCommand connector) {
        return List.of(
                new Command("run", "[--config FILE] [--demo]", "run the connector (the default: no command)", connector),
                new Command("backfill", "--since T1 --until T2 [--account A]",
                        "send a past time window again, beside the live feed and its checkpoint", BackfillCommand::run),
                new Command("dead-letters", "list | replay | export --halo FILE",
                        "count, send again or export the events that could not be delivered", DeadLettersCommand::run),
                new Command("state", "show [--json] | set-cursor --account A T",
                        "each account's cursor, lag and dedup ids; move a cursor", StateCommand::run));
    }

    /**
     * Runs the command {@code args} name, or the connector ({@code connector}) when they name none;
     * returns the exit code.
     */
    public static int run(List<String> args, OperatorCommand connector) {
        List<Command> commands = commands(connector);
        // options written before the command's name: --config FILE goes on to the command
        List<String> leading = new ArrayList<>();
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String arg = args.get(i);
            leading.add(arg);
            if ("--config".equals(arg) && i + 1 < args.size()) {
                leading.add(args.get(++i));
            }
            i++;
        }
        if (i == args.size()) {
            if (leading.contains("--version")) {
                System.out.println("halo-connector " + version());
                return EXIT_OK;
            }
            if (leading.contains("--help") || leading.contains("-h")) {
                System.out.print(help(commands));
                return EXIT_OK;
            }
            return connector.run(args); // no command: the connector, as it always ran
        }
        String name = args.get(i);
        Optional<Command> command = commands.stream().filter(c -> c.name().equals(name)).findFirst();
        if (command.isEmpty()) {
            System.err.println("halo-connector: unknown command " + name + ": expected "
                    + String.join(", ", commands.stream().map(Command::name).toList()) + " (halo-connector --help)");
            return EXIT_USAGE;
        }
        List<String> rest = new ArrayList<>(leading);
        rest.addAll(args.subList(i + 1, args.size()));
        if (command.get().action() == connector) {
            if (rest.contains("--help") || rest.contains("-h")) {
                System.out.print(RUN_HELP);
                return EXIT_OK;
            }
            return connector.run(rest);
        }
        if (!name.equals("backfill")) {
            // a backfill runs the connector: its progress and start-up lines are the connector's own
            quietLogs();
        }
        try {
            return command.get().action().run(rest);
        } catch (CommandLineException | ConfigurationException e) {
            System.err.println("halo-connector " + name + ": " + withoutPrefix(name, e.getMessage()));
            return EXIT_USAGE;
        } catch (StateException e) {
            System.err.println("halo-connector " + name + ": " + e.getMessage());
            return EXIT_FAILED;
        } catch (RuntimeException e) {
            // anything else still ends in one line: the connector's own description of a failure
            System.err.println("halo-connector " + name + " failed: " + ReportPollFailure.describe(e));
            return EXIT_FAILED;
        }
    }

    /** A message of {@link CommandArguments#wrong} already starts with the command's name. */
    private static String withoutPrefix(String name, String message) {
        return message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
    }

    /** The top-level help: the commands and the main options. */
    static String help(List<Command> commands) {
        StringBuilder text = new StringBuilder("""
                Usage: halo-connector [COMMAND] [--config FILE] [OPTIONS]

                Brings CloudPassage Halo events to Splunk HEC, files, stdout, Kafka or syslog; the commands
                work beside it on the same configuration and state.

                Commands:
                """);
        int width = commands.stream().mapToInt(c -> c.name().length() + c.synopsis().length() + 1).max().orElse(0);
        for (Command command : commands) {
            String usage = command.name() + " " + command.synopsis();
            text.append("  ").append(usage).append(" ".repeat(width - usage.length() + 2)).append(command.summary()).append('\n');
        }
        text.append("""

                Options:
                  --config FILE   the properties file (else HALO_CONNECTOR_CONFIG, else ./application.properties)
                  --demo          run on a built-in Halo simulator, the events to stdout
                  -Dname=value    any setting, over the file (bin/halo-connector gives it to Java)
                  -h, --help      this help; COMMAND --help for a command's
                  --version       the version

                Exit codes: 0 done; 1 not possible now (a store out of reach, a connector holds the account,
                HEC refuses); 2 bad input or configuration. More: docs/operations.md
                """);
        return text.toString();
    }

    /** The version the build wrote into the jar (pom.xml filters ops/version.properties). */
    static String version() {
        try (InputStream in = HaloConnectorCommands.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isEmpty() && !version.startsWith("${")) {
                    return version;
                }
            }
        } catch (IOException ignored) {
            // the manifest's below
        }
        String manifest = HaloConnectorCommands.class.getPackage().getImplementationVersion();
        return manifest == null ? "(unknown: not built by Maven)" : manifest;
    }

    /** A command's answer is its own output: the libraries' INFO lines only at HALO_LOG_LEVEL=INFO or lower. */
    private static void quietLogs() {
        if (System.getenv("HALO_LOG_LEVEL") == null
                && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
    }
}
