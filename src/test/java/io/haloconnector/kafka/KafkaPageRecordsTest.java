package io.haloconnector.kafka;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The page's records hand themselves to the Kafka client only until kafka.timeout has passed. */
class KafkaPageRecordsTest {
    private final CamelContext context = new DefaultCamelContext();

    private List<Message> messages(int n) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message message = new DefaultMessage(context);
            message.setBody("event " + i);
            messages.add(message);
        }
        return messages;
    }

    @Test
    void aPageHandedOverInTimeGivesEveryRecordInOrder() {
        List<Message> messages = messages(3);
        List<Object> bodies = new ArrayList<>();
        new KafkaPageRecords(messages, Duration.ofMinutes(1)).forEach(message -> bodies.add(message.getBody()));
        assertThat(bodies).containsExactly("event 0", "event 1", "event 2");
    }

    @Test
    void aHandOverPastTheTimeoutFailsThePageInsteadOfWaitingOnEachRecord() {
        KafkaPageRecords records = new KafkaPageRecords(messages(3), Duration.ofMillis(20));
        Iterator<Message> iterator = records.iterator();
        assertThat(iterator.hasNext()).isTrue();
        iterator.next();
        // as a send() that waited max.block.ms for a broker would
        long handedOutAt = System.nanoTime();
        await().pollDelay(Duration.ofMillis(30)).until(() -> System.nanoTime() - handedOutAt > 25_000_000L);
        assertThatThrownBy(iterator::hasNext).isInstanceOf(KafkaPageRecords.KafkaPageTimeoutException.class)
                .hasMessage("Kafka took 1 of the page's 3 records in kafka.timeout (20 ms): no broker answers in time");
        // a later poll iterates anew, with a new deadline
        assertThat(records.iterator().hasNext()).isTrue();
    }
}
