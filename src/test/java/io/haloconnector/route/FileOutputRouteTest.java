package io.haloconnector.route;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped routes with halo.output=file, as camel-main runs them: AdviceWith puts a probe or a
 * failure into the output route, as a user's edit of it would; NotifyBuilder waits for whole polls.
 */
class FileOutputRouteTest extends ConnectorMainTestSupport {
    private static final long WAIT_SECONDS = 60;

    @Override
    protected void overrides(Properties properties) {
        properties.put("halo.perPage", "50");
    }

    @Test
    void theCheckpointMovesOnlyAfterTheOutputRouteHasReturned() throws Exception {
        simulator.events().generate(51, start, start.plus(Duration.ofHours(3)), 300);
        // at the end of the output route, each page sees the checkpoint of the page before it
        List<String[]> pageAndCheckpoint = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "halo-output-file", route -> route.weaveAddLast().process(exchange ->
                pageAndCheckpoint.add(new String[] {exchange.getMessage().getHeader("haloCursor", String.class), checkpointCursor()})));
        NotifyBuilder firstPoll = polls(1);
        context.start();

        assertThat(firstPoll.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first poll ends").isTrue();
        assertThat(pageAndCheckpoint).as("pages of 50").hasSize(pagesOf50());
        String committedBefore = null;
        for (String[] page : pageAndCheckpoint) {
            assertThat(page[1]).as("checkpoint while page %s is being delivered", page[0]).isEqualTo(committedBefore);
            committedBefore = page[0];
        }
        assertThat(checkpointCursor()).isEqualTo(newestCreatedAt()).isEqualTo(committedBefore);
        assertExactlyOnce(RunningConnector.delivered(work.resolve("events")));
    }

    @Test
    void aPageThatFailsAfterTheFileWriteIsCutFromTheFileAndWrittenOnceByTheNextPoll() throws Exception {
        simulator.events().generate(52, start, start.plus(Duration.ofHours(3)), 300);
        // the third page's output fails once after camel-file appended it, as an fsync error would
        AtomicInteger pages = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AdviceWith.adviceWith(context, "halo-output-file", route -> route.weaveByToUri("file:*").after().process(exchange -> {
            if (pages.incrementAndGet() == 3) {
                failures.incrementAndGet();
                throw new IOException("fsync failed: Input/output error");
            }
        }));
        NotifyBuilder twoPolls = polls(2);
        context.start();

        assertThat(twoPolls.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("a failed poll, then one that finishes").isTrue();
        assertThat(failures.get()).as("the output failed once, after the file write").isEqualTo(1);
        assertThat(checkpointCursor()).isEqualTo(newestCreatedAt());
        assertExactlyOnce(RunningConnector.delivered(work.resolve("events")));
    }

    private void assertExactlyOnce(List<JsonNode> delivered) {
        Set<String> expected = simulator.events().all().stream().map(e -> e.get("id").asText()).collect(Collectors.toSet());
        List<String> ids = delivered.stream().map(e -> e.get("id").asText()).toList();
        assertThat(new HashSet<>(ids)).as("delivered ids").isEqualTo(expected);
        assertThat(ids).as("no event twice").hasSameSizeAs(expected);
    }

    private int pagesOf50() {
        return (simulator.events().all().size() + 49) / 50;
    }
}
