package io.haloconnector.console;

import io.haloconnector.account.HaloAccount;
import io.haloconnector.account.HaloAccounts;
import io.haloconnector.cluster.PollerLeadership;
import io.haloconnector.hec.HecDelivery;
import io.haloconnector.observe.ConnectorHealth;
import io.haloconnector.observe.ConnectorMetrics;
import io.haloconnector.poll.CatchUpProgress;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonObject;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Camel developer console {@code halo} ({@code /q/dev/halo} on the management server, and Camel
 * JBang or Hawtio where they read the context's consoles): one view of each account's cursor and
 * lag, polls, pages in flight, leadership, last error and dead letters, as text or JSON. Every
 * figure is read from the object that keeps it (the account's cursor, metrics, health, pages in
 * flight and dead-letter file; the HEC output's dead-letter file), so it says what the connector
 * works with. No secret is held by any of them.
 */
@DevConsole(name = HaloDevConsole.ID, displayName = "Halo connector",
        description = "Halo accounts: cursor, lag, polls, pages in flight, leadership, last error, dead letters")
public final class HaloDevConsole extends AbstractDevConsole {
    /** The console's id: {@code /q/dev/halo}. */
    public static final String ID = "halo";

    public HaloDevConsole() {
        super("halo-connector", ID, "Halo connector",
                "Halo accounts: cursor, lag, polls, pages in flight, leadership, last error, dead letters");
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (AccountView account : accounts()) {
            text.append("Account ").append(account.name).append(" (").append(account.role()).append(")\n");
            line(text, "cursor", account.cursor == null ? "no event delivered yet" : account.cursor.toString());
            line(text, "checkpoint", account.checkpoint);
            line(text, "lag", account.lagSeconds == null ? "unknown"
                    : CatchUpProgress.format(Duration.ofMillis(Math.round(account.lagSeconds * 1000))));
            line(text, "polls", account.polls.completed() + " completed, " + account.polls.failed() + " failed"
                    + (account.polls.lastEnded() == null ? ""
                    : "; the last ended " + account.polls.lastEnded() + (account.polls.lastFailed() ? " (failed)" : " (completed)")));
            line(text, "pages in flight", Integer.toString(account.pagesInFlight));
            line(text, "delivered", Math.round(account.delivered) + " events since the start");
            line(text, "last error", account.lastError == null ? "none"
                    : account.lastError.at() + " " + account.lastError.message());
            line(text, "dead letters", account.haloDeadLetters + " Halo events in " + account.haloDeadLetterFile);
        }
        HecDelivery hec = hec();
        if (hec != null) {
            text.append("Output hec\n");
            Long refused = hecDeadLetters(hec);
            line(text, "dead letters", (refused == null ? "unreadable:" : refused + " events HEC refused in") + " " + hec.deadLetterFile().toAbsolutePath());
        }
        return text.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        List<JsonObject> list = new ArrayList<>();
        for (AccountView account : accounts()) {
            JsonObject json = new JsonObject();
            json.put("name", account.name);
            json.put("cursor", account.cursor == null ? null : account.cursor.toString());
            json.put("checkpoint", account.checkpoint);
            json.put("lagSeconds", account.lagSeconds);
            JsonObject polls = new JsonObject();
            polls.put("completed", account.polls.completed());
            polls.put("failed", account.polls.failed());
            polls.put("lastEnded", account.polls.lastEnded() == null ? null : account.polls.lastEnded().toString());
            polls.put("lastFailed", account.polls.lastEnded() == null ? null : account.polls.lastFailed());
            json.put("polls", polls);
            json.put("pagesInFlight", account.pagesInFlight);
            json.put("eventsDelivered", Math.round(account.delivered));
            JsonObject leadership = new JsonObject();
            leadership.put("clustered", account.clustered);
            leadership.put("leader", account.leader);
            json.put("leadership", leadership);
            if (account.lastError != null) {
                JsonObject error = new JsonObject();
                error.put("message", account.lastError.message());
                error.put("at", account.lastError.at().toString());
                json.put("lastError", error);
            } else {
                json.put("lastError", null);
            }
            JsonObject deadLetters = new JsonObject();
            deadLetters.put("halo", account.haloDeadLetters);
            deadLetters.put("haloFile", account.haloDeadLetterFile);
            json.put("deadLetters", deadLetters);
            list.add(json);
        }
        root.put("accounts", list);
        HecDelivery hec = hec();
        if (hec != null) {
            JsonObject output = new JsonObject();
            output.put("name", "hec");
            output.put("hecDeadLetters", hecDeadLetters(hec));
            output.put("hecDeadLetterFile", hec.deadLetterFile().toAbsolutePath().toString());
            root.put("output", output);
        }
        return root;
    }

    /** One account's figures, read once so the text and the JSON of a call agree. */
    private record AccountView(String name, Instant cursor, String checkpoint, Double lagSeconds, ConnectorMetrics.Polls polls,
                               int pagesInFlight, double delivered, boolean clustered, boolean leader,
                               ConnectorHealth.LastError lastError, int haloDeadLetters, String haloDeadLetterFile) {
        String role() {
            if (!clustered) {
                return "one node: polls it";
            }
            return leader ? "leader: this node polls it" : "standby: another node polls it";
        }
    }

    private List<AccountView> accounts() {
        HaloAccounts accounts = getCamelContext().getRegistry().lookupByNameAndType("haloAccounts", HaloAccounts.class);
        List<AccountView> views = new ArrayList<>();
        if (accounts == null) {
            return views;
        }
        for (HaloAccount account : accounts.all()) {
            // the checkpoint is not read while the state database is unreachable: no cursor yet
            Instant cursor = account.isOpen() ? account.cursor().cursor() : null;
            PollerLeadership leadership = account.leadership();
            ConnectorMetrics metrics = account.metrics();
            views.add(new AccountView(account.name(), cursor, account.cursor().location(), metrics.cursorLagSeconds(),
                    millis(metrics.polls()), account.pagesInFlight().size(), metrics.eventsDelivered(), leadership.isClustered(),
                    leadership.isActive(), account.health().lastError(), account.deadLetters().count(),
                    account.deadLetters().file().toAbsolutePath().toString()));
        }
        return views;
    }

    /** The polls with their last end to the millisecond, as the checkpoint and the log lines give times. */
    private static ConnectorMetrics.Polls millis(ConnectorMetrics.Polls polls) {
        return polls.lastEnded() == null ? polls : new ConnectorMetrics.Polls(polls.completed(), polls.failed(),
                polls.lastEnded().truncatedTo(ChronoUnit.MILLIS), polls.lastFailed());
    }

    private HecDelivery hec() {
        return getCamelContext().getRegistry().lookupByNameAndType("hecDelivery", HecDelivery.class);
    }

    /** The events the HEC dead-letter file holds, or null when it cannot be read. */
    private static Long hecDeadLetters(HecDelivery hec) {
        try {
            return hec.deadLetterCount();
        } catch (IOException e) {
            return null;
        }
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append("  ").append(String.format("%-16s", label)).append(value).append('\n');
    }
}
