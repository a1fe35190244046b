package io.haloconnector.hec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets {@link HecDelivery#close()} end every wait of the delivering thread at once: backoff
 * sleeps, health and ack polling, and requests in flight. Waits also end on interrupt.
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

    /** Waits for {@code work}; a stop or an interrupt cancels it (aborting the HTTP exchange) and throws. */
    <T> T await(CompletableFuture<T> work) throws InterruptedException, HecSinkClosedException, ExecutionException {
        try {
            CompletableFuture.anyOf(work, stopped).get();
        } catch (InterruptedException e) {
            work.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            // work failed: reported by work.get() below
        }
        if (!work.isDone()) {
            work.cancel(true);
            throw new HecSinkClosedException();
        }
        return work.get();
    }
}
