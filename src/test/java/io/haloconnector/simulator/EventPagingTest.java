package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class EventPagingTest {

    // a fixed "recent" instant inside retention, in whole milliseconds
    private static final Instant BURST = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);

    private HaloSimulator simulator;
    private HaloTestClient client;
    private String token;

    @BeforeEach
    void start() throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().maxResults(500).build());
        client = new HaloTestClient(simulator);
        token = client.token();
        // 5 before, a burst of 23 at BURST, 5 after: ids chosen to interleave with insertion order
        for (int i = 0; i < 5; i++) {
            simulator.events().add(event("before-" + i, BURST.minusMillis(10 - i)));
            simulator.events().add(event("after-" + i, BURST.plusMillis(1 + i)));
        }
        for (int i = 22; i >= 0; i--) {
            simulator.events().add(event(String.format("burst-%02d", i), BURST));
        }
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void sinceIsInclusiveAndUntilExclusiveAtEqualTimestamps() throws Exception {
        assertThat(ids(client.allPages(token, "per_page=500&since=" + BURST))).hasSize(28)
                .startsWith("burst-00").contains("burst-22");
        assertThat(ids(client.allPages(token, "per_page=500&until=" + BURST))).hasSize(5)
                .allMatch(id -> id.startsWith("before-"));
        assertThat(ids(client.allPages(token, "per_page=500&since=" + BURST + "&until=" + BURST.plusMillis(1))))
                .hasSize(23).allMatch(id -> id.startsWith("burst-"));
    }

    @Test
    void pagesAcrossABurstGiveTheExactWindowOnceInOrder() throws Exception {
        String window = "since=" + BURST.minusMillis(8) + "&until=" + BURST.plusMillis(3);

        List<String> paged = ids(client.allPages(token, "per_page=7&sort_by=created_at.asc&" + window));

        List<String> expected = simulator.events().all().stream()
                .filter(e -> {
                    Instant at = Instant.parse(e.get("created_at").asText());
                    return !at.isBefore(BURST.minusMillis(8)) && at.isBefore(BURST.plusMillis(3));
                })
                .map(e -> e.get("id").asText()).collect(Collectors.toList());
        assertThat(expected).hasSize(3 + 23 + 2);
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(paged.subList(3, 26)).isSorted();
    }

    @Test
    void nextRepeatsEveryParameterAndIsAbsentOnTheLastPage() throws Exception {
        JsonNode first = HaloTestClient.json(client.events(token, "since=" + BURST + "&per_page=20&type=x,Y").body());
        JsonNode all = HaloTestClient.json(client.events(token, "since=" + BURST + "&per_page=20").body());
        JsonNode last = HaloTestClient.json(client.events(token, "since=" + BURST + "&per_page=20&page=2").body());

        assertThat(first.get("count").asInt()).isZero();
        assertThat(all.get("count").asInt()).isEqualTo(28);
        assertThat(all.get("events")).hasSize(20);
        assertThat(all.at("/pagination/next").asText())
                .isEqualTo(simulator.baseUrl() + "/v1/events?since=" + BURST + "&per_page=20&page=2");
        assertThat(last.get("events")).hasSize(8);
        assertThat(last.get("pagination").has("next")).isFalse();
    }

    @Test
    void aPagePastTheEndIsEmpty() throws Exception {
        HttpResponse<String> response = client.events(token, "per_page=10&page=5");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = HaloTestClient.json(response.body());
        assertThat(body.get("count").asInt()).isEqualTo(33);
        assertThat(body.get("events")).isEmpty();
        assertThat(body.get("pagination").has("next")).isFalse();
    }

    @Test
    void refusesPagesPastTheResultCapWith422() throws Exception {
        assertThat(client.events(token, "per_page=10&page=50").statusCode()).isEqualTo(200);
        HttpResponse<String> capped = client.events(token, "per_page=10&page=51");

        assertThat(capped.statusCode()).isEqualTo(422);
        assertThat(HaloTestClient.json(capped.body()).get("message").asText()).contains("500");
    }

    @Test
    void perPageDefaultsToTenAndStaysWithinOneTo500() throws Exception {
        assertThat(HaloTestClient.json(client.events(token, "").body()).get("events")).hasSize(10);
        assertThat(client.events(token, "per_page=500").statusCode()).isEqualTo(200);
        assertThat(client.events(token, "per_page=0").statusCode()).isEqualTo(400);
        HttpResponse<String> tooBig = client.events(token, "per_page=501");
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(tooBig.body()).contains("per_page");
    }

    @Test
    void badParametersAnswer400NamingTheParameter() throws Exception {
        for (String query : List.of("since=yesterday", "until=2026-13-01", "page=0", "page=x", "sort_by=id",
                "critical=maybe")) {
            HttpResponse<String> response = client.events(token, query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(HaloTestClient.json(response.body()).get("message").asText()).as(query)
                    .startsWith(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void acceptsDatesAndDateTimesWithMillisOrMicros() throws Exception {
        String day = BURST.toString().substring(0, 10);
        String micros = BURST.toString().replace("Z", ".000000Z");
        String millis = BURST.toString().replace("Z", ".000Z");
        String justAfter = BURST.toString().replace("Z", ".000001Z");

        assertThat(count("since=" + day)).isEqualTo(33);
        assertThat(count("since=" + micros)).isEqualTo(28);
        assertThat(count("since=" + millis)).isEqualTo(28);
        assertThat(count("since=" + justAfter)).isEqualTo(5);
    }

    @Test
    void sortsDescendingOnRequest() throws Exception {
        List<String> desc = ids(client.allPages(token, "per_page=6&sort_by=created_at.desc"));

        assertThat(desc).hasSize(33).startsWith("after-4").endsWith("before-0");
    }

    @Test
    void filtersByTypeCriticalServerAndPlatform() throws Exception {
        simulator.events().add(event("win-1", BURST).put("type", "lids_rule_failed").put("critical", true)
                .put("server_id", "srv-win").put("server_platform", "Windows").put("group_id", "g-1"));

        assertThat(ids(client.allPages(token, "type=LIDS_RULE_FAILED,daemon_compromised"))).containsExactly("win-1");
        assertThat(ids(client.allPages(token, "critical=true"))).containsExactly("win-1");
        assertThat(count("critical=false")).isEqualTo(33);
        assertThat(ids(client.allPages(token, "server_id=srv-win"))).containsExactly("win-1");
        assertThat(ids(client.allPages(token, "server_platform=windows"))).containsExactly("win-1");
        assertThat(ids(client.allPages(token, "group_id=g-1"))).containsExactly("win-1");
    }

    @Test
    void filtersGeneratedEventsByGroupAndCountsTheWholeWindow() throws Exception {
        Instant now = Instant.now();
        simulator.events().generate(3, now.minus(Duration.ofDays(1)), now, 2_000);
        String production = simulator.events().groupIdsByName().get("Production");

        JsonNode page = HaloTestClient.json(client.events(token, "per_page=500&group_id=" + production
                + "&since=" + now.minus(Duration.ofDays(1))).body());

        assertThat(page.get("count").asInt()).isBetween(100, 1_000);
        assertThat(page.get("events")).allMatch(e -> e.get("server_group_name").asText().equals("Production"));
    }

    @Test
    void returnsNothingOlderThan90Days() throws Exception {
        simulator.events().add(event("ancient", Instant.now().minus(Duration.ofDays(91))));

        assertThat(count("since=2000-01-01")).isEqualTo(33);
        assertThat(simulator.events().size()).isEqualTo(34);
    }

    private int count(String query) throws Exception {
        HttpResponse<String> response = client.events(token, query);
        assertThat(response.statusCode()).as(query).isEqualTo(200);
        return HaloTestClient.json(response.body()).get("count").asInt();
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).collect(Collectors.toList());
    }

    private static ObjectNode event(String id, Instant createdAt) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("id", id);
        event.put("type", "fim_object_added");
        event.put("created_at", createdAt.toString().replace("Z", "").length() == 19
                ? createdAt.toString().replace("Z", ".000Z") : createdAt.toString());
        event.put("critical", false);
        event.put("message", "crafted ü – \"quoted\" \\ back");
        return event;
    }
}
