package io.haloconnector.testkit.hec;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The trouble a {@link HecReceiver} can be told to make, to test how a client copes: one-shot
 * answers for the next event POSTs (consumed in order, one per request, before authentication),
 * an unhealthy server, an outage, late acknowledgements and a token that changes at runtime.
 * Thread-safe.
 */
public final class HecFaults {

    /** A one-shot answer to the next event POST. */
    enum Kind { BUSY, INTERNAL_ERROR, TOO_MANY_REQUESTS, BAD_GATEWAY, RESET, SLOW, STALLED, TRICKLED, HANG }

    /** The bytes of its body a {@link #stalledAnswer} sends before it stalls. */
    static final int STALLED_AFTER_BYTES = 10;

    record Fault(Kind kind, Duration duration) {
    }

    private final ConcurrentLinkedQueue<Fault> queue = new ConcurrentLinkedQueue<>();
    private final Runnable onOutage;
    private volatile boolean unhealthy;
    private volatile boolean outage;
    private volatile boolean tokenDisabled;
    private volatile Duration ackDelay = Duration.ZERO;
    private volatile String token;
    private static final Predicate<JsonNode> NO_POISON = event -> false;

    private volatile Predicate<JsonNode> poison = NO_POISON;
    private volatile int poisonCode = 6;

    HecFaults(String token, Runnable onOutage) {
        this.token = token;
        this.onOutage = onOutage;
    }

    /** The next {@code times} event POSTs get 503 code 9 (Server is busy). */
    public HecFaults busy(int times) {
        return enqueue(times, new Fault(Kind.BUSY, Duration.ZERO));
    }

    /** The next {@code times} event POSTs get 500 code 8 (Internal server error). */
    public HecFaults internalError(int times) {
        return enqueue(times, new Fault(Kind.INTERNAL_ERROR, Duration.ZERO));
    }

    /** The next {@code times} event POSTs get a plain 429 with {@code Retry-After} in whole seconds (none when zero). */
    public HecFaults tooManyRequests(int times, Duration retryAfter) {
        return enqueue(times, new Fault(Kind.TOO_MANY_REQUESTS, Objects.requireNonNull(retryAfter)));
    }

    /** The next {@code times} event POSTs get a raw HTML 502, as a load balancer in front of HEC answers. */
    public HecFaults badGateway(int times) {
        return enqueue(times, new Fault(Kind.BAD_GATEWAY, Duration.ZERO));
    }

    /** The next {@code times} event POSTs are read and then answered with a TCP reset. */
    public HecFaults reset(int times) {
        return enqueue(times, new Fault(Kind.RESET, Duration.ZERO));
    }

    /** The next event POST is answered normally, but only after {@code delay} (its events still count). */
    public HecFaults slow(Duration delay) {
        return enqueue(1, new Fault(Kind.SLOW, Objects.requireNonNull(delay)));
    }

    /**
     * The next event POST is answered 503 code 9 (Server is busy) up to its headers and the first
     * 10 bytes of its body, then nothing: the connection stays open until the client gives up or
     * the receiver closes. Its events are not taken.
     */
    public HecFaults stalledAnswer() {
        return enqueue(1, new Fault(Kind.STALLED, Duration.ZERO));
    }

    /** The next event POST is answered 503 code 9 one byte every {@code perByte}. Its events are not taken. */
    public HecFaults trickledAnswer(Duration perByte) {
        if (perByte.isNegative() || perByte.isZero()) {
            throw new IllegalArgumentException("perByte must be positive, got " + perByte);
        }
        return enqueue(1, new Fault(Kind.TRICKLED, perByte));
    }

    /** The next event POST is read and never answered, until the client gives up or the receiver closes. Its events are not taken. */
    public HecFaults hang() {
        return enqueue(1, new Fault(Kind.HANG, Duration.ZERO));
    }

    /** One-shot answers not used yet. */
    public int pending() {
        return queue.size();
    }

    /** While true the health endpoint answers 503 code 18 and every POST 503 code 9. */
    public void setUnhealthy(boolean unhealthy) {
        this.unhealthy = unhealthy;
    }

    /** While true every connection is reset: new ones as soon as accepted, open ones at once. */
    public void setOutage(boolean outage) {
        this.outage = outage;
        if (outage) {
            onOutage.run();
        }
    }

    /** While true POSTs with the right token get 403 code 1 (Token disabled). */
    public void setTokenDisabled(boolean disabled) {
        this.tokenDisabled = disabled;
    }

    /** Acks answer false until this long after the POST they acknowledge (checked at each poll). */
    public void delayAcks(Duration delay) {
        this.ackDelay = Objects.requireNonNull(delay);
    }

    /** Changes the token the receiver accepts from now on. */
    public void setToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
        this.token = token;
    }

    /**
     * From now on an envelope whose {@code event} matches is refused with a bad-event code (6, 12, 13
     * or 15) and its invalid-event-number, as Splunk refuses events a client cannot foresee.
     */
    public void refuseEvents(Predicate<JsonNode> event, int code) {
        if (code != 6 && code != 12 && code != 13 && code != 15) {
            throw new IllegalArgumentException("not a bad-event code: " + code);
        }
        this.poisonCode = code;
        this.poison = Objects.requireNonNull(event);
    }

    Predicate<JsonNode> poison() {
        return poison;
    }

    /** Whether {@link #refuseEvents} was called: then each event must be looked at as a tree. */
    boolean refusesEvents() {
        return poison != NO_POISON;
    }

    int poisonCode() {
        return poisonCode;
    }

    Fault nextFault() {
        return queue.poll();
    }

    boolean unhealthy() {
        return unhealthy;
    }

    boolean outage() {
        return outage;
    }

    boolean tokenDisabled() {
        return tokenDisabled;
    }

    Duration ackDelay() {
        return ackDelay;
    }

    String token() {
        return token;
    }

    private HecFaults enqueue(int times, Fault fault) {
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
        return this;
    }
}
