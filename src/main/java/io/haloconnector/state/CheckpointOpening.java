package io.haloconnector.state;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Opens the checkpoint once: at start, or, when the state database cannot be reached then, at
 * the start of each poll until it can (and again after {@link #reopen}). A poll that cannot open it fails like any poll (one ERROR
 * line, readiness down with the reason) and fetches nothing, so the connector waits for its
 * database without exiting.
 */
public final class CheckpointOpening {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointOpening.class);

    private final Runnable open;
    private volatile boolean opened;

    /** {@code open} migrates the schema where there is one, reads the checkpoint into the cursor and checks it. */
    public CheckpointOpening(Runnable open) {
        this.open = open;
    }

    /** Opens it now unless it is open; throws {@link StateUnavailableException} while the database cannot be reached. */
    public synchronized void open() {
        if (!opened) {
            open.run();
            opened = true;
        }
    }

    /**
     * The checkpoint is read again before the next poll: a standby node's copy goes stale while
     * another node polls and commits, and polling from it would repeat what that node delivered.
     */
    public synchronized void reopen() {
        opened = false;
    }

    /** True once the checkpoint was read. */
    public boolean isOpen() {
        return opened;
    }

    /** Tries every {@code interval}, one ERROR line per failure, until it is open (for an output that needs the checkpoint to start). */
    public void openWaiting(Duration interval) throws InterruptedException {
        while (true) {
            try {
                open();
                return;
            } catch (StateUnavailableException e) {
                LOG.error("{}: trying again in {} s", e.getMessage(), interval.toSeconds());
                Thread.sleep(interval.toMillis()); // a start that waits for its database, not a route
            }
        }
    }

    /** {@code step} preceded by opening the checkpoint when the start could not. */
    public Processor before(Processor step) {
        return new Processor() {
            @Override
            public void process(Exchange exchange) throws Exception {
                if (!opened) {
                    open();
                    LOG.info("The checkpoint is open: polling starts");
                }
                step.process(exchange);
            }
        };
    }
}
