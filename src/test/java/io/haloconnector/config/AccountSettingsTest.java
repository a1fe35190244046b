package io.haloconnector.config;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountSettingsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

    private static AccountSettings account(String name, String key, String secret, String url, String start) {
        return AccountSettings.of(name, key, secret, url, start, "", "", "", "", false, CLOCK);
    }

    private static AccountSettings shipped(String url, String start) {
        return account("default", "key", "secret", url, start);
    }

    @Test
    void defaultsFollowTheDocumentedContract() {
        AccountSettings s = shipped("", "");
        assertThat(s.apiUrl()).hasToString("https://api.cloudpassage.com");
        assertThat(s.start()).isEqualTo(Instant.parse("2026-09-01T12:00:00Z"));
        assertThat(s.startConfigured()).isFalse();
        assertThat(s.stateKey()).as("the account's name").isEqualTo("default");
        assertThat(s.index()).isEmpty();
    }

    @Test
    void startTakesADateOrADateTime() {
        assertThat(shipped("", "2026-09-01").start()).isEqualTo(Instant.parse("2026-09-01T00:00:00Z"));
        assertThat(shipped("", "2026-09-01T10:00:00.500+02:00").start()).isEqualTo(Instant.parse("2026-09-01T08:00:00.500Z"));
    }

    @Test
    void theShippedAccountsProblemsNameTheProperties() {
        assertRefused(() -> account("default", "", "secret", "", ""),
                "halo.api.key is not set: set the Halo API key id in application.properties or HALO_API_KEY");
        assertRefused(() -> account("default", "key", " ", "", ""),
                "halo.api.secret is not set: set the Halo API key secret in application.properties or HALO_API_SECRET");
        assertRefused(() -> shipped("", "last tuesday"), "halo.start=last tuesday is not valid: expected an ISO-8601 date");
        assertRefused(() -> shipped("api.cloudpassage.com", ""),
                "halo.api.url=api.cloudpassage.com is not valid: expected an http(s) URL");
    }

    @Test
    void anotherAccountsProblemsNameTheAccountAndItsParameter() {
        assertRefused(() -> account("staging", "", "secret", "", ""), "account staging: key is not set: set the Halo API key id"
                + " in the account's templatedRoute (routes/halo-accounts.yaml)");
        assertRefused(() -> account("staging", "key", "", "", ""), "account staging: secret is not set: set the Halo API"
                + " key secret in the environment variable that the account's secretFrom names (routes/halo-accounts.yaml)");
        assertRefused(() -> account("staging", "key", "secret", "", "soon"),
                "account staging: start=soon is not valid: expected an ISO-8601 date");
        assertRefused(() -> account("Prod Servers", "key", "secret", "", ""), "account name 'Prod Servers' is not valid");
        assertRefused(() -> AccountSettings.of("acme", "key", "secret", "", "", "../etc", "", "", "", false, CLOCK),
                "account acme: stateKey=../etc is not valid");
    }

    @Test
    void aKameletAccountsProblemsNameTheKameletsParametersAndNoRouteFile() {
        assertRefused(() -> kamelet("prod", "", "secret", ""), "account prod: apiKey is not set: set the Halo API key id"
                + " (the halo-events-source Kamelet's parameters)");
        assertRefused(() -> kamelet("prod", "key", "", ""), "account prod: apiSecretFrom names nothing that holds a value:"
                + " set the Halo API key secret in the environment variable or property it names (the halo-events-source"
                + " Kamelet's parameters)");
        assertRefused(() -> kamelet("prod", "key", "secret", "soon"), "account prod: start=soon is not valid");
        assertRefused(() -> kamelet("Prod", "key", "secret", ""), "account name 'Prod' is not valid: expected 1 to 63"
                + " lower-case letters, digits, '-' or '_', starting with a letter or digit (the halo-events-source Kamelet's parameters)");
        // the Kamelet's account is named default unless told: it has no halo.api.* properties to name
        assertRefused(() -> kamelet("default", "", "secret", ""), "account default: apiKey is not set");
        assertThat(kamelet("prod", "key", "secret", "").credentialsHint())
                .isEqualTo("check account prod's apiKey, and the secret its apiSecretFrom names (the halo-events-source Kamelet's parameters)");
        assertThat(account("staging", "key", "secret", "", "").credentialsHint())
                .isEqualTo("check the key and secret of account staging (routes/halo-accounts.yaml)");
    }

    private static AccountSettings kamelet(String name, String key, String secret, String start) {
        return AccountSettings.of(AccountSettings.Origin.KAMELET, name, key, secret, "", start, null, null, null, null, false, CLOCK);
    }

    @Test
    void plainHttpToAHostOtherThanLoopbackIsRefusedUnlessAllowed() {
        assertRefused(() -> shipped("http://halo-proxy.internal:8080", ""),
                "halo.api.url=http://halo-proxy.internal:8080 would send the API key and secret in clear to"
                        + " halo-proxy.internal: use https://, or set halo.api.allowPlainHttp=true for a network you trust");
        AccountSettings allowed = AccountSettings.of("default", "key", "secret", "http://halo-proxy.internal:8080", "", "",
                "", "", "", true, CLOCK);
        assertThat(allowed.apiUrl()).hasToString("http://halo-proxy.internal:8080");
    }

    @Test
    void plainHttpToLoopbackIsAllowedForTheSimulator() {
        for (String url : new String[] {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.0.1.1"}) {
            assertThat(shipped(url, "").apiUrl()).hasToString(url);
        }
        assertThatThrownBy(() -> shipped("http://127.0.0.1.attacker.example", "")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aUrlWithCredentialsIsRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> shipped("https://key:s3cret@api.cloudpassage.com", ""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("halo.api.url=(a URL with credentials) is not valid")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThat(shipped("", "").toString()).doesNotContain("secret");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable settings, String message) {
        assertThatThrownBy(settings).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
