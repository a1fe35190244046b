package io.haloconnector.halo;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The token cache against token answers Halo should never give: a route in place of the camel-http
 * token request answers what each test sets, and a clock the test moves stands for time passing.
 */
class HaloTokenProviderTest extends CamelTestSupport {
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>("application/json");
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-01T00:00:00Z"));

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:token-request").process(exchange -> {
                    requests.incrementAndGet();
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType.get());
                    exchange.getMessage().setBody(answer.get().getBytes());
                });
            }
        };
    }

    private HaloTokenProvider provider() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return new HaloTokenProvider(template, "direct:token-request", "https://halo.example", "key", "secret",
                "check halo.api.key and halo.api.secret", clock,
                HaloRequestObserver.NONE);
    }

    @Test
    void aLifetimeOfTwoToTheSixtyThreeSecondsIsTakenAsOneDay() {
        answer.set("{\"access_token\":\"t1\",\"expires_in\":9223372036854775807}");
        HaloTokenProvider tokens = provider();

        assertThat(tokens.token()).isEqualTo("t1");
        now.set(now.get().plus(Duration.ofHours(23)));
        assertThat(tokens.token()).as("still cached within the day").isEqualTo("t1");
        assertThat(requests).hasValue(1);

        answer.set("{\"access_token\":\"t2\",\"expires_in\":9223372036854775807}");
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThat(tokens.token()).as("a new token after a day").isEqualTo("t2");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aNegativeLifetimeIsTakenAsOneSecond() {
        answer.set("{\"access_token\":\"t1\",\"expires_in\":-5}");
        HaloTokenProvider tokens = provider();

        assertThat(tokens.token()).isEqualTo("t1");
        now.set(now.get().plusSeconds(1));
        answer.set("{\"access_token\":\"t2\",\"expires_in\":900}");
        assertThat(tokens.token()).isEqualTo("t2");
        assertThat(requests).hasValue(2);
    }

    @Test
    void anHtmlAnswerIsDescribedByItsContentTypeAndFirstBytes() {
        contentType.set("text/html; charset=utf-8");
        answer.set("<html>\n<head><title>502 Bad Gateway</title></head><body>nginx</body></html>");

        assertThatThrownBy(() -> provider().token()).isInstanceOf(MalformedResponseException.class)
                .hasMessage("Halo at halo.example:443 answered /oauth/access_token with text/html; charset=utf-8, not JSON:"
                        + " \"<html> <head><title>502 Bad Gateway</title></head><body>nginx</body></html>\"");
    }

    @Test
    void anAnswerCalledJsonThatIsNotIsDescribedByItsFirstBytes() {
        answer.set("Service Unavailable");

        assertThatThrownBy(() -> provider().token()).isInstanceOf(MalformedResponseException.class)
                .hasMessage("the token answer from Halo at halo.example:443 is not valid JSON: \"Service Unavailable\"");
    }

    @Test
    void aTokenAnswerCutShortOrWronglyTypedNeverShowsTheToken() {
        answer.set("{\"access_token\":\"c2VjcmV0LXRva2VuLXZhbHVl\",\"expires_in\":");
        assertThatThrownBy(() -> provider().token()).isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("\"access_token\":\"(hidden)\"").message().doesNotContain("c2VjcmV0");

        contentType.set("text/plain");
        answer.set("{\"access_token\":\"c2VjcmV0LXRva2VuLXZhbHVl\",\"expires_in\":900}");
        assertThatThrownBy(() -> provider().token()).isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("with text/plain, not JSON").message().doesNotContain("c2VjcmV0");

        answer.set("{\"access_token\":\"c2VjcmV0LXRva");
        assertThatThrownBy(() -> provider().token()).message().doesNotContain("c2VjcmV0");
    }
}
