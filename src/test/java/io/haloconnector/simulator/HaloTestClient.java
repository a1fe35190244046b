package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A plain HTTP client of the simulator for tests: real requests over loopback, no shortcuts. */
final class HaloTestClient {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HaloSimulator simulator;

    HaloTestClient(HaloSimulator simulator) {
        this.simulator = simulator;
    }

    HttpResponse<String> requestToken(String key, String secret) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        simulator.baseUrl().resolve("/oauth/access_token?grant_type=client_credentials"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("Authorization", basic(key, secret));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String token() throws IOException, InterruptedException {
        HttpResponse<String> response = requestToken(simulator.apiKey(), simulator.apiSecret());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request answered " + response.statusCode());
        }
        return json(response.body()).get("access_token").asText();
    }

    HttpResponse<String> events(String token, String query) throws IOException, InterruptedException {
        return get(token, simulator.baseUrl().resolve("/v1/events" + (query.isEmpty() ? "" : "?" + query)));
    }

    HttpResponse<String> get(String token, URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows pagination.next from the first page and returns every event of every page. */
    List<JsonNode> allPages(String token, String query) throws IOException, InterruptedException {
        List<JsonNode> events = new ArrayList<>();
        URI next = simulator.baseUrl().resolve("/v1/events?" + query);
        while (next != null) {
            HttpResponse<String> response = get(token, next);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(next + " answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode page = json(response.body());
            page.get("events").forEach(events::add);
            JsonNode link = page.path("pagination").get("next");
            next = link == null ? null : URI.create(link.asText());
        }
        return events;
    }

    HttpClient http() {
        return http;
    }

    static JsonNode json(String body) throws IOException {
        return HaloJson.MAPPER.readTree(body);
    }

    static String basic(String key, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
