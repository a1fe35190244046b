package io.haloconnector.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness of one Halo account ({@code /observe/health/ready}, check {@code halo-account-<name>}):
 * ready only when the account's last poll reached Halo and the output is taking events; when
 * not, the body says why. The connector is ready when every account is. Liveness is Camel's own
 * context check.
 */
public final class ConnectorHealth extends AbstractHealthCheck {
    private volatile String haloProblem = "no poll has reached Halo yet";
    private volatile String outputProblem;

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

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
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
