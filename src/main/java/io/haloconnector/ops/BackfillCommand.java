package io.haloconnector.ops;

import io.haloconnector.app.ConnectorMain;
import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.poll.BackfillWindow;
import io.haloconnector.poll.CatchUpProgress;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import sun.misc.Signal;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code halo-connector backfill --since T1 --until T2 [--account A] [--again] [--config FILE]}:
 * sends one account's events created from T1 (included) to T2 (excluded) again, into the configured
 * output, beside the live connector and without touching its checkpoint. It runs the connector's own
 * routes (camel-main, the user's configuration) as a backfill ({@link BackfillWindow}): one account,
 * a checkpoint and state folder of the window's own, polls that end at T2, no cluster election. A
 * killed backfill resumes from its checkpoint when run again; one that finished says so and sends
 * nothing unless {@code --again}. Progress lines with an estimate of the time left go to stderr;
 * it exits 0 once the window is delivered.
 */
public final class BackfillCommand {
    static final String USAGE = """
            Usage: halo-connector backfill --since T1 --until T2 [--account A] [--again] [--config FILE]

            Sends the Halo events of account A (default: default) created from T1 (included) to T2 (excluded)
            again, into the configured output (halo.output), beside the running connector: its checkpoint
            is neither read nor moved. T1 and T2 are ISO-8601 dates (2026-12-01, midnight UTC) or date-times
            (2026-12-01T10:00:00Z), within Halo's 90-day retention and not after now.

            The backfill keeps a state of its own (halo.state.dir/backfill-<account>-<T1>-<T2>, or that state
            key in PostgreSQL): run the same command again after a stop or a crash and it resumes where it
            stopped. Once the window is delivered it exits 0, and the same command then says it is done.
              --again         forget that state and send the whole window again
              --config FILE   the connector's properties file (as for the connector)
            Progress and an estimate of the time left go to stderr. Both processes share the API key's
            rate limit: -Dhalo.fetch.concurrency=2 leaves most of it to the live connector.
            """;
    /** How often a backfill polls: a poll that failed (the output or Halo down) is tried again this soon. */
    static final String POLL_CRON = "0/5 * * * * ?";
    private static final String NAME = "halo-connector backfill: ";

    private BackfillCommand() {
    }

    /** Runs the command with the arguments after {@code backfill}; returns the exit code. */
    public static int run(List<String> args) {
        return run(args, Clock.systemUTC(), System.out, System.err);
    }

    static int run(List<String> args, Clock clock, PrintStream out, PrintStream err) {
        Arguments parsed;
        try {
            parsed = Arguments.parse(args, clock.instant());
        } catch (ConfigurationException e) {
            err.println(NAME + e.getMessage());
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        if (parsed == null) {
            out.print(USAGE);
            return 0;
        }
        BackfillWindow window = new BackfillWindow(parsed.account(), parsed.since(), parsed.until(), parsed.again());
        long began = System.nanoTime();
        try {
            runConnector(window, parsed.config());
        } catch (Exception e) {
            return ConnectorMain.reportStartFailure(e);
        }
        if (!window.isOpened()) {
            err.println(NAME + "no account '" + window.account() + "' in the routes (the accounts are: "
                    + String.join(", ", window.accountsInRoutes()) + "): name one of them with --account");
            return ConnectorMain.EXIT_CONFIGURATION;
        }
        String what = "account " + window.account() + " from " + window.since() + " to " + window.until();
        if (window.isDone() && window.wasDoneAtStart()) {
            err.println(NAME + what + " was backfilled already (its state: " + window.stateLocation()
                    + "): nothing sent; add --again to send the window again");
            return 0;
        }
        if (window.isDone()) {
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            err.println(NAME + "done: " + window.delivered() + " events of " + what + " sent in "
                    + CatchUpProgress.format(took) + " (" + Math.round(window.delivered() / Math.max(0.001, took.toMillis() / 1000.0))
                    + "/s); its state: " + window.stateLocation());
            return 0;
        }
        err.println(NAME + "stopped before the end of the window (" + what + "): run the same command again to"
                + " resume where it stopped");
        return 1;
    }

    private static void runConnector(BackfillWindow window, String config) throws Exception {
        // no health port beside the live connector's, and a failed poll tried again within seconds
        Main main = ConnectorMain.create(config, Map.of("camel.management.enabled", "false", "halo.poll.cron", POLL_CRON));
        main.bind(BackfillWindow.BEAN, window);
        window.whenDone(main::completed);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                if (!window.isOpened()) {
                    main.completed(); // the routes name no such account: nothing to poll
                }
            }
        });
        // SIGTERM/SIGINT stop at a page boundary with the backfill's checkpoint saved; a rerun resumes there
        ((DefaultMainShutdownStrategy) main.getShutdownStrategy()).disableHangupSupport();
        Signal.handle(new Signal("TERM"), signal -> main.completed());
        Signal.handle(new Signal("INT"), signal -> main.completed());
        main.run();
    }

    /** The command line, checked: a window within Halo's retention, not reversed, not in the future. */
    record Arguments(Instant since, Instant until, String account, boolean again, String config) {
        /** The arguments, or null for {@code --help}; a {@link ConfigurationException} says what is wrong in one line. */
        static Arguments parse(List<String> args, Instant now) {
            String since = null;
            String until = null;
            String account = "default";
            String config = null;
            boolean again = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                switch (option) {
                    case "--help", "-h" -> {
                        return null;
                    }
                    case "--again" -> again = true;
                    case "--since", "--until", "--account", "--config" -> {
                        String value;
                        if (arg.contains("=")) {
                            value = arg.substring(arg.indexOf('=') + 1);
                        } else if (i + 1 < args.size()) {
                            value = args.get(++i);
                        } else {
                            throw new ConfigurationException(option + " needs a value: " + USAGE.lines().findFirst().orElseThrow());
                        }
                        switch (option) {
                            case "--since" -> since = value;
                            case "--until" -> until = value;
                            case "--account" -> account = value;
                            default -> config = value;
                        }
                    }
                    default -> throw new ConfigurationException("unknown argument " + arg + ": "
                            + USAGE.lines().findFirst().orElseThrow() + " (--help says more)");
                }
            }
            if (since == null || until == null) {
                throw new ConfigurationException("give the window with --since and --until: "
                        + USAGE.lines().findFirst().orElseThrow());
            }
            Instant from = instant("--since", since);
            Instant to = instant("--until", until);
            if (!to.isAfter(from)) {
                throw new ConfigurationException("--until " + to + " is not after --since " + from + ": the window runs from"
                        + " --since (included) to --until (excluded); swap them");
            }
            Instant oldest = now.minus(ConnectorSettings.RETENTION);
            if (from.isBefore(oldest)) {
                throw new ConfigurationException("--since " + from + " is outside Halo's 90-day retention: it keeps the events"
                        + " created from " + oldest.truncatedTo(ChronoUnit.SECONDS) + " on; give a later --since");
            }
            if (to.isAfter(now)) {
                throw new ConfigurationException("--until " + to + " is after now (" + now.truncatedTo(ChronoUnit.SECONDS)
                        + "): a backfill sends past events again, the running connector the new ones; give an earlier --until");
            }
            return new Arguments(from, to, account.trim(), again, config);
        }

        private static Instant instant(String option, String text) {
            try {
                // Halo's created_at and since/until have milliseconds
                return ConnectorSettings.parseStart(text).truncatedTo(ChronoUnit.MILLIS);
            } catch (ConfigurationException e) {
                throw new ConfigurationException(option + " " + text + " is not a date: expected an ISO-8601 date (2026-12-01)"
                        + " or date-time (2026-12-01T10:00:00Z)");
            }
        }
    }
}
