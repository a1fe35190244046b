package io.haloconnector.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcStateSettingsTest {
    private static final String PASSWORD = "s3cret-pg-77";

    private static PropertyLookup props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("halo.state.store", "jdbc");
        props.put("halo.state.jdbc.url", "jdbc:postgresql://db.example.com:5432/halo?sslmode=verify-full");
        props.put("halo.state.jdbc.username", "halo_connector");
        props.put("halo.state.jdbc.password", PASSWORD);
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return name -> Optional.ofNullable(props.get(name)).filter(v -> !v.isBlank());
    }

    private static void assertRefused(String message, String... pairs) {
        assertThatThrownBy(() -> JdbcStateSettings.from(props(pairs))).isInstanceOf(ConfigurationException.class)
                .hasMessage(message).message().doesNotContain(PASSWORD).doesNotContain("\n");
    }

    @Test
    void theFileStoreIsTheDefaultAndJdbcIsChosenByName() {
        assertThat(JdbcStateSettings.selected(name -> Optional.empty())).isFalse();
        assertThat(JdbcStateSettings.selected(props())).isTrue();
        assertThatThrownBy(() -> JdbcStateSettings.selected(props("halo.state.store", "redis")))
                .hasMessage("halo.state.store=redis is not valid: expected one of file, jdbc");
    }

    @Test
    void aValidConfigurationNamesTheDatabaseWithoutCredentialsOrOptions() {
        JdbcStateSettings settings = JdbcStateSettings.from(props());
        assertThat(settings.stateKey()).isEqualTo("default");
        assertThat(settings.location()).isEqualTo("postgresql://db.example.com:5432/halo");
        assertThat(settings.toString()).doesNotContain(PASSWORD);
        assertThat(JdbcStateSettings.from(props("halo.state.key", "acme-prod_2")).stateKey()).isEqualTo("acme-prod_2");
    }

    @Test
    void eachWrongValueIsOneLineNamingThePropertyAndNeverThePassword() {
        assertRefused("halo.state.jdbc.url is not set: halo.state.store=jdbc needs it, such as jdbc:postgresql://db:5432/halo",
                "halo.state.jdbc.url", "");
        assertRefused("halo.state.jdbc.url=jdbc:mysql://db/halo is not valid: expected a PostgreSQL JDBC URL without"
                + " credentials, such as jdbc:postgresql://db:5432/halo", "halo.state.jdbc.url", "jdbc:mysql://db/halo");
        assertRefused("halo.state.jdbc.url carries credentials in its options: remove them and set halo.state.jdbc.username,"
                        + " and the password as HALO_STATE_JDBC_PASSWORD in the environment",
                "halo.state.jdbc.url", "jdbc:postgresql://db/halo?user=x&password=" + PASSWORD);
        assertRefused("halo.state.jdbc.url=(a URL with credentials) is not valid: expected a PostgreSQL JDBC URL without"
                        + " credentials, such as jdbc:postgresql://db:5432/halo",
                "halo.state.jdbc.url", "jdbc:postgresql://x:" + PASSWORD + "@db/halo");
        assertRefused("halo.state.jdbc.password is not set: halo.state.store=jdbc needs the PostgreSQL password: give it as"
                + " HALO_STATE_JDBC_PASSWORD in the environment", "halo.state.jdbc.password", "");
        assertRefused("halo.state.key=a b is not valid: expected 1 to 100 letters, digits, '.', '_' or '-'",
                "halo.state.key", "a b");
    }
}
