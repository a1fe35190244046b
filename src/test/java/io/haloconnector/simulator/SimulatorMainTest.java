package io.haloconnector.simulator;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorMainTest {

    @Test
    void runsAsAProcessAndPrintsWhereItListens() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SimulatorMain.class.getName(), "--events", "2000", "--days", "2", "--key", "k", "--secret", "s")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader stdout = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = stdout.readLine();

            assertThat(line).matches("halo-simulator listening on http://127\\.0\\.0\\.1:\\d+");
            URI base = URI.create(line.substring(line.lastIndexOf(' ') + 1));
            HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            base.resolve("/oauth/access_token?grant_type=client_credentials"))
                    .header("Authorization", HaloTestClient.basic("k", "s"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            String bearer = HaloTestClient.json(token.body()).get("access_token").asText();
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            base.resolve("/v1/events?per_page=1")).header("Authorization", "Bearer " + bearer).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(HaloTestClient.json(page.body()).get("count").asInt()).isEqualTo(2000);
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
