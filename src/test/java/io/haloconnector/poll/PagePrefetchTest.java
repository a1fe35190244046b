package io.haloconnector.poll;

import io.haloconnector.halo.EventPage;
import io.haloconnector.retry.Backoff;
import io.haloconnector.retry.ConcurrencyLimit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pages a poll asks for ahead are bounded by a budget the node's accounts share, and a poll
 * that ends (however) gives back what it held: else a node of many accounts would hold
 * halo.fetch.concurrency pages each, or run out of permits after a few failed polls.
 */
class PagePrefetchTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private final Set<String> requested = ConcurrentHashMap.newKeySet();
    private final CountDownLatch later = new CountDownLatch(1);
    private CamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void pageRequestRoute() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // page 1 answers at once (1,000 events: 10 pages of 100); the others stay in flight
                from("direct:pages").process(exchange -> {
                    int page = exchange.getProperty(PageRequest.PAGE, Integer.class);
                    requested.add(exchange.getProperty(PageRequest.ACCOUNT) + ":" + page);
                    if (page > 1) {
                        later.await(30, TimeUnit.SECONDS);
                    }
                    exchange.getMessage().setBody(new EventPage(List.of(), 1000, true));
                });
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        later.countDown();
        context.stop();
    }

    @Test
    void pagesAskedForAheadShareTheNodesBudgetAndAreGivenBackWhenThePollEnds() throws Exception {
        Semaphore budget = new Semaphore(3);
        PagePrefetch prod = prefetch("prod", budget);
        PagePrefetch acme = prefetch("acme", budget);
        PollWindow prodWindow = window();
        PollWindow acmeWindow = window();

        takeFirstPage(prod, prodWindow);
        // 8 at once allowed for the account, 3 ahead for the node
        await().until(() -> requested.size() == 4);
        assertThat(requested).containsExactlyInAnyOrder("prod:1", "prod:2", "prod:3", "prod:4");
        assertThat(budget.availablePermits()).isZero();

        takeFirstPage(acme, acmeWindow);
        assertThat(requested).as("acme asks for its current page only").contains("acme:1").doesNotContain("acme:2");

        Exchange poll = new DefaultExchange(context);
        prod.closer().onComplete(poll);
        assertThat(budget.availablePermits()).as("permits after prod's poll ended").isEqualTo(3);
        acme.closer().onFailure(poll);
        assertThat(budget.availablePermits()).as("permits after acme's poll ended too").isEqualTo(3);
    }

    private PagePrefetch prefetch(String account, Semaphore budget) {
        return new PagePrefetch(template, context.getEndpoint("direct:pages"), new ConcurrencyLimit(8), budget, account,
                "http://127.0.0.1:1", new ConnectorStopping(), new OutputBackoff(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))));
    }

    private static PollWindow window() {
        return new PollWindow(T0, T0.plusSeconds(3600), 100, 10_000, new SortedAnswers());
    }

    private static void takeFirstPage(PagePrefetch prefetch, PollWindow window) throws Exception {
        EventPage first = PagePrefetch.pageOf(prefetch.current(window).get(30, TimeUnit.SECONDS));
        assertThat(window.narrowedFor(first)).isFalse();
        prefetch.learned(window, first);
    }
}
