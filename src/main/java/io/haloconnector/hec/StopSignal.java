package io.haloconnector.hec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets {@link HecDelivery#close()} end every wait of the delivering threads at once: backoff
 * sleeps, health and ack polling (the requests in flight are aborted by their deadline's limit).
 * Waits also end on interrupt.
 */
final class StopSignal {

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    void stop() {
        stopped.complete(null);
    }

    boolean isStopped() {
        return stopped.isDone();
    }

    void check() throws HecSinkClosedException {
        if (isStopped()) {
            throw new HecSinkClosedException();
        }
    }

    /** Waits {@code delay} unless stopped (throws) or interrupted (throws). */
    void sleep(Duration delay) throws InterruptedException, HecSinkClosedException {
        try {
            stopped.get(Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        throw new HecSinkClosedException();
    }
}
