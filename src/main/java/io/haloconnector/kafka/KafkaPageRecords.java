package io.haloconnector.kafka;

import org.apache.camel.Message;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A page's records as camel-kafka's producer takes a batch: one {@link Message} per event, its
 * headers the record's key and headers. The producer hands every record to the Kafka client before
 * it waits for any acknowledgement, and while no broker answers each hand-over can wait up to
 * {@code max.block.ms}: so iteration throws once {@code kafka.timeout} has passed since it began,
 * and a page meets a broker outage once, not once per record.
 */
public final class KafkaPageRecords implements Iterable<Message> {
    private final List<Message> records;
    private final Duration timeout;

    public KafkaPageRecords(List<Message> records, Duration timeout) {
        this.records = List.copyOf(records);
        this.timeout = timeout;
    }

    public int size() {
        return records.size();
    }

    @Override
    public Iterator<Message> iterator() {
        long deadline = System.nanoTime() + timeout.toNanos();
        Iterator<Message> delegate = records.iterator();
        return new Iterator<>() {
            private int handedOut;

            @Override
            public boolean hasNext() {
                boolean more = delegate.hasNext();
                if (more && handedOut > 0 && System.nanoTime() - deadline > 0) {
                    throw new KafkaPageTimeoutException("Kafka took " + handedOut + " of the page's " + records.size()
                            + " records in kafka.timeout (" + timeout.toMillis() + " ms): no broker answers in time");
                }
                return more;
            }

            @Override
            public Message next() {
                if (!delegate.hasNext()) {
                    throw new NoSuchElementException();
                }
                handedOut++;
                return delegate.next();
            }
        };
    }

    /** The Kafka client did not take a page's records in time: the page is sent again by a later poll. */
    public static final class KafkaPageTimeoutException extends RuntimeException {
        KafkaPageTimeoutException(String message) {
            super(message);
        }
    }
}
