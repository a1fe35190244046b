package io.haloconnector.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Readiness of one Halo account ({@code /observe/health/ready}, check {@code halo-account-<name>}):
 * ready only when the account's last poll reached Halo and the output is taking events; when
 * not, the body says why. The connector is ready when every account is. A standby node of a
 * cluster (another node polls the account) is ready with detail {@code poller=standby}. Liveness
 * is Camel's own context check.
 */
public final class ConnectorHealth extends AbstractHealthCheck {
    private volatile String haloProblem = "no poll has reached Halo yet";
    private volatile String outputProblem;
    private volatile BooleanSupplier polling = () -> true;
    private volatile LastError lastError;
    private final Clock clock;

    public ConnectorHealth(String account) {
        this(account, Clock.systemUTC());
    }

    /** @param clock the time of each failure, as {@link #lastError()} gives it */
    public ConnectorHealth(String account, Clock clock) {
        super("halo", "halo-account-" + account);
        this.clock = clock;
    }

    /** A failure of a poll or of the output, and when it was reported; kept after the account recovers. */
    public record LastError(String message, Instant at) {
    }

    /** The last poll failure or output problem, or null when there was none since the start. */
    public LastError lastError() {
        return lastError;
    }

    /** Why the last poll did not reach Halo (null when it did): readiness is down while it is set. */
    public String pollProblem() {
        return haloProblem;
    }

    /** Why the output does not take events, or null when it does. */
    public String outputProblem() {
        return outputProblem;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** A page came back from Halo. */
    public void haloReached() {
        haloProblem = null;
    }

    /** A poll ended with this failure. */
    public void pollFailed(String why) {
        haloProblem = why;
        lastError = new LastError(why, clock.instant());
    }

    /** The output does not take events, for this reason; null when it does again. */
    public void outputUnavailable(String why) {
        outputProblem = why;
        if (why != null) {
            lastError = new LastError("output: " + why, clock.instant());
        }
    }

    /** Whether this node polls the account (false: a standby, another node of the cluster polls it). */
    public void pollingWhen(BooleanSupplier polling) {
        this.polling = polling;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!polling.getAsBoolean()) {
            // a standby takes over when the leader goes: it is ready, whatever its last poll said
            builder.up();
            builder.message("standby: another node polls this account");
            builder.detail("poller", "standby");
            return;
        }
        builder.detail("poller", "active");
        String halo = haloProblem;
        String output = outputProblem;
        if (halo == null && output == null) {
            builder.up();
            return;
        }
        builder.down();
        builder.message(output != null ? "output: " + output : "last poll: " + halo);
        if (halo != null) {
            builder.detail("poll", halo);
        }
        if (output != null) {
            builder.detail("output", output);
        }
    }
}
