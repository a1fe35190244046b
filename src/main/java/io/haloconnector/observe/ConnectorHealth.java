package io.haloconnector.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

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

    public ConnectorHealth(String account) {
        super("halo", "halo-account-" + account);
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
    }

    /** The output does not take events, for this reason; null when it does again. */
    public void outputUnavailable(String why) {
        outputProblem = why;
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
