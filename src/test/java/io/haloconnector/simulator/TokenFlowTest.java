package io.haloconnector.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TokenFlowTest {

    private HaloSimulator simulator;

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void issuesABearerTokenForTheRightKeyPair() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().apiKey("k1").apiSecret("s1").build());

        HttpResponse<String> response = client.requestToken("k1", "s1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = HaloTestClient.json(response.body());
        assertThat(body.get("access_token").asText()).matches("[0-9a-f]{32}");
        assertThat(body.get("token_type").asText()).isEqualTo("bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(900);
        assertThat(client.events(body.get("access_token").asText(), "").statusCode()).isEqualTo(200);
        assertThat(simulator.stats().tokenRequests()).isEqualTo(1);
    }

    @Test
    void refusesWrongOrMissingCredentialsWith401() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().build());

        assertThat(client.requestToken("demo-key", "wrong").statusCode()).isEqualTo(401);
        assertThat(client.requestToken("other-key", "demo-secret").statusCode()).isEqualTo(401);
        assertThat(client.requestToken(null, null).statusCode()).isEqualTo(401);
        assertThat(HaloTestClient.json(client.requestToken("demo-key", "wrong").body()).get("error").asText())
                .isEqualTo("invalid_client");
    }

    @Test
    void acceptsGrantTypeInAFormBodyAndRefusesOtherGrants() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().build());
        String basic = HaloTestClient.basic("demo-key", "demo-secret");

        HttpResponse<String> form = client.http().send(HttpRequest.newBuilder(
                        simulator.baseUrl().resolve("/oauth/access_token"))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongGrant = client.http().send(HttpRequest.newBuilder(
                        simulator.baseUrl().resolve("/oauth/access_token?grant_type=password"))
                .header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(wrongGrant.statusCode()).isEqualTo(401);
    }

    @Test
    void eventsNeedAValidBearerToken() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().build());

        assertThat(client.events(null, "").statusCode()).isEqualTo(401);
        assertThat(client.events("0123456789abcdef0123456789abcdef", "").statusCode()).isEqualTo(401);
        assertThat(simulator.stats().statusCounts()).containsEntry(401, 2L);
    }

    @Test
    void tokensExpireAfterTheirTtl() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().tokenTtl(Duration.ofMillis(1_500)).build());
        String token = client.token();

        assertThat(HaloTestClient.json(client.requestToken("demo-key", "demo-secret").body()).get("expires_in").asInt())
                .isEqualTo(1);
        assertThat(client.events(token, "").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.events(token, "").statusCode() == 401);
        assertThat(client.events(client.token(), "").statusCode()).isEqualTo(200);
    }

    @Test
    void revokedTokensAnswer401AndNewOnesWork() throws Exception {
        HaloTestClient client = start(SimulatorConfig.builder().build());
        String first = client.token();
        String second = client.token();

        simulator.faults().revokeTokens();

        assertThat(client.events(first, "").statusCode()).isEqualTo(401);
        assertThat(client.events(second, "").statusCode()).isEqualTo(401);
        assertThat(client.events(client.token(), "").statusCode()).isEqualTo(200);
    }

    private HaloTestClient start(SimulatorConfig config) throws IOException {
        simulator = HaloSimulator.start(config);
        return new HaloTestClient(simulator);
    }
}
