package io.haloconnector.simulator;

import java.time.Duration;

/** Holds the request thread for a simulated latency; the HTTP pool has threads to spare for it. */
final class Pause {

    private Pause() {
    }

    /** Holds the request thread until the simulator stops (closing it interrupts its threads). */
    static void untilStopped() throws InterruptedException {
        new java.util.concurrent.CountDownLatch(1).await();
    }

    static void of(Duration duration) throws InterruptedException {
        if (!duration.isZero()) {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        }
    }
}
