package io.haloconnector.connector;

import io.haloconnector.config.ConfigurationException;
import io.haloconnector.config.PropertyLookup;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A feature selected in a host whose class path lacks its optional library is refused with one line
 * naming the Maven coordinates to add, before a class of the library is touched. (LibraryJarIT runs
 * a host's class path without PostgreSQL for real; here the libraries a class path lacks are given.)
 */
class OptionalDependenciesTest {

    @Test
    void theJdbcStateWithoutItsDriverAndPoolNamesBothInOneLine() {
        OptionalDependencies host = without("org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource");

        assertThatThrownBy(() -> host.check(new DefaultCamelContext(), settings(Map.of("halo.state.store", "jdbc"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("halo.state.store=jdbc needs org.postgresql:postgresql and com.zaxxer:HikariCP on the class path:"
                        + " add them to your pom");
    }

    @Test
    void eachFeatureNamesOnlyTheLibraryThatIsMissing() {
        assertThatThrownBy(() -> without("com.zaxxer.hikari.HikariDataSource")
                .check(new DefaultCamelContext(), settings(Map.of("halo.state.store", "jdbc"))))
                .hasMessage("halo.state.store=jdbc needs com.zaxxer:HikariCP on the class path: add it to your pom");
        assertThatThrownBy(() -> without("org.apache.camel.component.kafka.KafkaComponent")
                .check(new DefaultCamelContext(), settings(Map.of("halo.output", "kafka"))))
                .hasMessage("halo.output=kafka needs org.apache.camel:camel-kafka on the class path: add it to your pom");
        assertThatThrownBy(() -> without("org.apache.camel.component.netty.NettyComponent")
                .check(new DefaultCamelContext(), settings(Map.of("halo.output", "syslog"))))
                .hasMessage("halo.output=syslog needs org.apache.camel:camel-netty on the class path: add it to your pom");
        assertThatThrownBy(() -> without("org.apache.camel.component.platform.http.main.MainHttpServer")
                .check(new DefaultCamelContext(), settings(Map.of("camel.management.enabled", "true"))))
                .hasMessageStartingWith("camel.management.enabled=true (the health and metrics server) needs"
                        + " org.apache.camel:camel-platform-http-main on the class path");
        assertThatThrownBy(() -> without("io.micrometer.prometheusmetrics.PrometheusMeterRegistry")
                .check(new DefaultCamelContext(), settings(Map.of("camel.metrics.enabled", "true"))))
                .hasMessageContaining("needs org.apache.camel:camel-micrometer-prometheus on the class path");
    }

    @Test
    void aFeatureNotSelectedNeedsNoneOfTheOptionalLibraries() {
        OptionalDependencies bare = without("org.postgresql.Driver", "com.zaxxer.hikari.HikariDataSource",
                "org.apache.camel.component.kafka.KafkaComponent", "org.apache.camel.component.netty.NettyComponent",
                "org.apache.camel.component.platform.http.main.MainHttpServer",
                "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                "org.apache.camel.impl.console.DefaultDevConsoleRegistry");

        assertThatCode(() -> bare.check(new DefaultCamelContext(), settings(Map.of("halo.output", "file"))))
                .doesNotThrowAnyException();
    }

    @Test
    void theAppsClassPathHoldsEveryOptionalLibrary() {
        // the test class path is the standalone app's: every feature at once passes the real class lookup
        assertThatCode(() -> new OptionalDependencies().check(new DefaultCamelContext(), settings(Map.of(
                "halo.state.store", "jdbc", "halo.output", "syslog", "camel.management.enabled", "true",
                "camel.metrics.enabled", "true", "camel.main.devConsoleEnabled", "true")))).doesNotThrowAnyException();
    }

    private static OptionalDependencies without(String... absentClasses) {
        Set<String> absent = Set.of(absentClasses);
        return new OptionalDependencies(name -> !absent.contains(name));
    }

    private static PropertyLookup settings(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }
}
