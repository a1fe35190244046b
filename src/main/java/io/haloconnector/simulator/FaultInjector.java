package io.haloconnector.simulator;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Queues one-shot faults for the next requests of each endpoint, and revokes tokens: the way a
 * test makes the simulator misbehave exactly when it wants.
 */
public final class FaultInjector {

    private final Queue<Fault> eventFaults = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();
    private final TokenRegistry tokens;

    FaultInjector(TokenRegistry tokens) {
        this.tokens = tokens;
    }

    /** Each fault hits one of the next {@code /v1/events} requests, in order. */
    public void enqueue(Fault... faults) {
        eventFaults.addAll(java.util.List.of(faults));
    }

    /** Each fault hits one of the next {@code /oauth/access_token} requests, in order. */
    public void enqueueForToken(Fault... faults) {
        tokenFaults.addAll(java.util.List.of(faults));
    }

    /** Every token issued so far answers 401 from now on; new tokens work. */
    public void revokeTokens() {
        tokens.revokeAll();
    }

    /** Drops the faults still queued. */
    public void clear() {
        eventFaults.clear();
        tokenFaults.clear();
    }

    Fault nextEventFault() {
        return eventFaults.poll();
    }

    Fault nextTokenFault() {
        return tokenFaults.poll();
    }
}
