package io.haloconnector.ops;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.poll.BackfillWindow;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backfill command's checks of its window before anything starts, and the window's own state:
 * one key per account and window, apart from every live account's.
 */
class BackfillCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static BackfillCommand.Arguments parse(String... args) {
        return BackfillCommand.Arguments.parse(List.of(args), NOW);
    }

    @Test
    void takesDatesAndDateTimesWithOrWithoutEqualsAndDefaultsToTheShippedAccount() {
        BackfillCommand.Arguments parsed = parse("--since", "2026-12-01", "--until=2026-12-02T10:30:00.250Z");
        assertThat(parsed.since()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(parsed.until()).isEqualTo(Instant.parse("2026-12-02T10:30:00.250Z"));
        assertThat(parsed.account()).isEqualTo("default");
        assertThat(parsed.again()).isFalse();
        BackfillCommand.Arguments other = parse("--account", "staging", "--again", "--config", "/etc/halo/app.properties",
                "--since", "2026-12-01T00:00:00+02:00", "--until", "2026-12-01T06:00:00Z");
        assertThat(other.account()).isEqualTo("staging");
        assertThat(other.again()).isTrue();
        assertThat(other.config()).isEqualTo("/etc/halo/app.properties");
        assertThat(other.since()).as("an offset is taken as the instant it names").isEqualTo(Instant.parse("2026-11-30T22:00:00Z"));
    }

    @Test
    void refusesAReversedOrEmptyWindowAndSaysWhichWayItRuns() {
        assertThatThrownBy(() -> parse("--since", "2026-12-02", "--until", "2026-12-01")).isInstanceOf(ConfigurationException.class)
                .hasMessage("--until 2026-12-01T00:00:00Z is not after --since 2026-12-02T00:00:00Z: the window runs from"
                        + " --since (included) to --until (excluded); swap them");
        assertThatThrownBy(() -> parse("--since", "2026-12-02", "--until", "2026-12-02")).hasMessageContaining("is not after");
    }

    @Test
    void refusesAStartOutsideHalosRetentionAndAnEndAfterNow() {
        assertThatThrownBy(() -> parse("--since", "2026-09-07T11:59:59Z", "--until", "2026-10-01"))
                .hasMessage("--since 2026-09-07T11:59:59Z is outside Halo's 90-day retention: it keeps the events created"
                        + " from 2026-09-08T12:00:00Z on; give a later --since");
        assertThat(parse("--since", "2026-09-08T12:00:00Z", "--until", "2026-10-01").since()).as("the oldest kept")
                .isEqualTo(Instant.parse("2026-09-08T12:00:00Z"));
        assertThatThrownBy(() -> parse("--since", "2026-12-07", "--until", "2026-12-07T12:00:01Z"))
                .hasMessageStartingWith("--until 2026-12-07T12:00:01Z is after now (2026-12-07T12:00:00Z)");
    }

    @Test
    void refusesABadDateAMissingBoundAndAnUnknownArgumentInOneLine() {
        assertThatThrownBy(() -> parse("--since", "last week", "--until", "2026-12-01"))
                .hasMessage("--since last week is not a date: expected an ISO-8601 date (2026-12-01) or date-time"
                        + " (2026-12-01T10:00:00Z)");
        assertThatThrownBy(() -> parse("--since", "2026-12-01")).hasMessageStartingWith("give the window with --since and --until");
        assertThatThrownBy(() -> parse("--since")).hasMessageStartingWith("--since needs a value");
        assertThatThrownBy(() -> parse("--from", "2026-12-01")).hasMessageStartingWith("unknown argument --from:");
    }

    @Test
    void helpPrintsTheUsageAndStartsNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCommand.run(List.of("--help"), Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(out), new PrintStream(err));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: halo-connector backfill --since T1 --until T2")
                .contains("--again", "rate limit");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aBadWindowIsOneLineOnStderrAndExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BackfillCommand.run(List.of("--since", "2026-12-02", "--until", "2026-12-01"), Clock.fixed(NOW, ZoneOffset.UTC),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("halo-connector backfill: --until 2026-12-01T00:00:00Z is not after");
    }

    @Test
    void eachAccountAndWindowHasAStateKeyAndFoldersOfItsOwnUnderTheConfiguredOnes() {
        BackfillWindow window = new BackfillWindow("default", Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2026-12-01T06:00:00.250Z"), false);
        assertThat(window.stateKey()).isEqualTo("backfill-default-20261201T000000Z-20261201T060000.250Z");
        assertThat(window.stateDir(Path.of("/var/lib/halo/state")))
                .isEqualTo(Path.of("/var/lib/halo/state/backfill-default-20261201T000000Z-20261201T060000.250Z"));
        assertThat(window.fileDir(Path.of("events"))).isEqualTo(Path.of("events", window.stateKey()));
        assertThat(new BackfillWindow("staging", window.since(), window.until(), true).stateKey()).isNotEqualTo(window.stateKey());

        String longName = "a".repeat(63);
        String key = new BackfillWindow(longName, window.since(), window.until(), false).stateKey();
        assertThat(key).as("a checkpoint key holds at most 100 characters").hasSizeLessThanOrEqualTo(100).startsWith("backfill-")
                .isEqualTo(new BackfillWindow(longName, window.since(), window.until(), false).stateKey())
                .isNotEqualTo(new BackfillWindow(longName, window.since(), window.until().plusMillis(1), false).stateKey());
    }

    @Test
    void theWindowIsReadOnceTheCheckpointsCursorReachesItsEnd() {
        BackfillWindow window = new BackfillWindow("default", Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2026-12-02T00:00:00Z"), false);
        assertThat(window.isReadBy(null)).isFalse();
        assertThat(window.isReadBy(Instant.parse("2026-12-01T23:59:59.999Z"))).isFalse();
        assertThat(window.isReadBy(Instant.parse("2026-12-02T00:00:00Z"))).isTrue();
    }
}
