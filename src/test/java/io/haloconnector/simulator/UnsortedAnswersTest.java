package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A simulator told to ignore sort_by or until: the misbehaviour the connector's tests rely on. */
class UnsortedAnswersTest {
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    private static final String WINDOW = "sort_by=created_at.asc&since=" + T0 + "&until=" + T0.plusSeconds(20) + "&per_page=3";

    private static List<String> pagedIds(SimulatorConfig.Builder config, String query) throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(config.build())) {
            for (int i = 0; i < 25; i++) {
                ObjectNode event = JsonNodeFactory.instance.objectNode();
                event.put("id", String.format("e%02d", i));
                event.put("created_at", T0.plusSeconds(i).toString());
                simulator.events().add(event);
            }
            HaloTestClient client = new HaloTestClient(simulator);
            List<String> ids = new ArrayList<>();
            for (JsonNode event : client.allPages(client.token(), query)) {
                ids.add(event.get("id").asText());
            }
            return ids;
        }
    }

    private static List<String> window() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(String.format("e%02d", i));
        }
        return ids;
    }

    @Test
    void reversedPagesListTheWindowOnceNewestFirst() throws Exception {
        List<String> ids = pagedIds(SimulatorConfig.builder().answerOrder(AnswerOrder.REVERSED), WINDOW);

        List<String> newestFirst = window();
        Collections.reverse(newestFirst);
        assertThat(ids).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void shuffledPagesListTheWindowOnceInAnOrderThatIsNotSorted() throws Exception {
        List<String> ids = pagedIds(SimulatorConfig.builder().answerOrder(AnswerOrder.SHUFFLED), WINDOW);

        assertThat(ids).containsExactlyInAnyOrderElementsOf(window()).isNotEqualTo(window());
    }

    @Test
    void ignoringUntilListsTheEventsAfterIt() throws Exception {
        List<String> ids = pagedIds(SimulatorConfig.builder().ignoreUntil(true), WINDOW);

        assertThat(ids).hasSize(25).startsWith("e00").endsWith("e24");
    }
}
