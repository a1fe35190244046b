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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The token cache as the page request route uses it (its OAuth step, then a filter on
 * haloTokenNeeded that enriches from the token request route with the cache as the aggregation
 * strategy), against token answers Halo should never give and requests that need a token at once:
 * a route in place of the camel-http token request answers what each test sets, and a clock the
 * test moves stands for time passing.
 */
class HaloTokenProviderTest extends CamelTestSupport {
    private final AtomicReference<String> answer = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>("application/json");
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-06-01T00:00:00Z"));
    private final AtomicReference<CountDownLatch> answerHeldBy = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicReference<String> basicAuthorization = new AtomicReference<>();
    private final HaloTokenProvider tokens = provider();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the page request route's OAuth steps, as halo-events.yaml has them
                from("direct:page-request").process(tokens)
                        .filter(exchangeProperty(HaloTokenProvider.TOKEN_NEEDED))
                            .enrich("direct:token-request", tokens, true)
                        .end();
                from("direct:token-request").process(tokens::tokenRequest).process(exchange -> {
                    requests.incrementAndGet();
                    basicAuthorization.set(exchange.getMessage().getHeader("Authorization", String.class));
                    answerHeldBy.get().await(10, TimeUnit.SECONDS);
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status.get());
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
        return new HaloTokenProvider("https://halo.example", "key", "secret", "check halo.api.key and halo.api.secret",
                clock, Duration.ofSeconds(20), HaloRequestObserver.NONE);
    }

    /** The bearer token a page request is sent with, or the page request's failure thrown. */
    private String pageRequestToken() throws Exception {
        Exchange sent = template.send("direct:page-request", exchange -> { });
        if (sent.getException() != null) {
            throw sent.getException();
        }
        assertThat(sent.getProperty(HaloTokenProvider.TOKEN_SENT, String.class)).as("the token the request was sent with")
                .isEqualTo(sent.getMessage().getHeader("Authorization", String.class).substring("Bearer ".length()));
        return sent.getProperty(HaloTokenProvider.TOKEN_SENT, String.class);
    }

    @Test
    void requestsThatNeedATokenAtOnceWaitForTheOneRequestOfIt() throws Exception {
        answer.set("{\"access_token\":\"t1\",\"expires_in\":900}");
        CountDownLatch held = new CountDownLatch(1);
        answerHeldBy.set(held);
        ExecutorService pages = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(pages.submit(this::pageRequestToken));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
            held.countDown();
            for (Future<String> page : sent) {
                assertThat(page.get(10, TimeUnit.SECONDS)).isEqualTo("t1");
            }
        } finally {
            pages.shutdownNow();
        }
        assertThat(requests).as("token requests").hasValue(1);
        assertThat(basicAuthorization.get()).as("the token request's authorization").isEqualTo("Basic a2V5OnNlY3JldA==");
    }

    @Test
    void aRefusedKeyFailsEveryRequestWaitingForTheTokenWithOneMessage() throws Exception {
        answer.set("{}");
        status.set(401);
        CountDownLatch held = new CountDownLatch(1);
        answerHeldBy.set(held);
        ExecutorService pages = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(pages.submit(this::pageRequestToken));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
            held.countDown();
            for (Future<String> page : sent) {
                assertThatThrownBy(() -> page.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(HaloCredentialsException.class)
                        .cause().hasMessage("Halo at halo.example:443 refused the API key (HTTP 401 from /oauth/access_token):"
                                + " check halo.api.key and halo.api.secret");
            }
        } finally {
            pages.shutdownNow();
        }
        assertThat(requests).as("token requests").hasValue(1);
        status.set(200);
        answer.set("{\"access_token\":\"t2\",\"expires_in\":900}");
        assertThat(pageRequestToken()).as("the next request asks again").isEqualTo("t2");
    }

    @Test
    void aLifetimeOfTwoToTheSixtyThreeSecondsIsTakenAsOneDay() throws Exception {
        answer.set("{\"access_token\":\"t1\",\"expires_in\":9223372036854775807}");

        assertThat(pageRequestToken()).isEqualTo("t1");
        now.set(now.get().plus(Duration.ofHours(23)));
        assertThat(pageRequestToken()).as("still cached within the day").isEqualTo("t1");
        assertThat(requests).hasValue(1);

        answer.set("{\"access_token\":\"t2\",\"expires_in\":9223372036854775807}");
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThat(pageRequestToken()).as("a new token after a day").isEqualTo("t2");
        assertThat(requests).hasValue(2);
    }

    @Test
    void aNegativeLifetimeIsTakenAsOneSecond() throws Exception {
        answer.set("{\"access_token\":\"t1\",\"expires_in\":-5}");

        assertThat(pageRequestToken()).isEqualTo("t1");
        now.set(now.get().plusSeconds(1));
        answer.set("{\"access_token\":\"t2\",\"expires_in\":900}");
        assertThat(pageRequestToken()).isEqualTo("t2");
        assertThat(requests).hasValue(2);
    }

    @Test
    void anHtmlAnswerIsDescribedByItsContentTypeAndFirstBytes() {
        contentType.set("text/html; charset=utf-8");
        answer.set("<html>\n<head><title>502 Bad Gateway</title></head><body>nginx</body></html>");

        assertThatThrownBy(this::pageRequestToken).isInstanceOf(MalformedResponseException.class)
                .hasMessage("Halo at halo.example:443 answered /oauth/access_token with text/html; charset=utf-8, not JSON:"
                        + " \"<html> <head><title>502 Bad Gateway</title></head><body>nginx</body></html>\"");
    }

    @Test
    void anAnswerCalledJsonThatIsNotIsDescribedByItsFirstBytes() {
        answer.set("Service Unavailable");

        assertThatThrownBy(this::pageRequestToken).isInstanceOf(MalformedResponseException.class)
                .hasMessage("the token answer from Halo at halo.example:443 is not valid JSON: \"Service Unavailable\"");
    }

    @Test
    void aTokenAnswerCutShortOrWronglyTypedNeverShowsTheToken() {
        answer.set("{\"access_token\":\"c2VjcmV0LXRva2VuLXZhbHVl\",\"expires_in\":");
        assertThatThrownBy(this::pageRequestToken).isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("\"access_token\":\"(hidden)\"").message().doesNotContain("c2VjcmV0");

        contentType.set("text/plain");
        answer.set("{\"access_token\":\"c2VjcmV0LXRva2VuLXZhbHVl\",\"expires_in\":900}");
        assertThatThrownBy(this::pageRequestToken).isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("with text/plain, not JSON").message().doesNotContain("c2VjcmV0");

        answer.set("{\"access_token\":\"c2VjcmV0LXRva");
        assertThatThrownBy(this::pageRequestToken).message().doesNotContain("c2VjcmV0");
    }
}
