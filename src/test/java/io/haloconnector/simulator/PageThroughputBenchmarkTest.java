package io.haloconnector.simulator;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures, and prints, how fast the simulator generates a million events and serves pages of 500
 * to concurrent clients over loopback. It asserts correctness only, never a speed: the figures
 * depend on the machine (see the test's output file under target/surefire-reports).
 */
@Tag("benchmark") // not part of the default suite: mvn -B test -Dgroups=benchmark -Dtest.excludedGroups=none
class PageThroughputBenchmarkTest {

    private static final int CLIENTS = 4;
    private static final Duration RUN = Duration.ofSeconds(3);
    // -Dsimulator.benchmark.events=1000000 for the full-size figure; the default keeps the suite quick
    private static final int EVENTS = Integer.getInteger("simulator.benchmark.events", 300_000);

    @Test
    void servesPagesOf500ToConcurrentClients() throws Exception {
        try (HaloSimulator simulator = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Instant now = Instant.now();
            long started = System.nanoTime();
            simulator.events().generate(1, now.minus(Duration.ofDays(30)), now, EVENTS);
            long generateMillis = (System.nanoTime() - started) / 1_000_000;
            Runtime runtime = Runtime.getRuntime();
            System.gc();
            long usedMb = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
            System.out.printf("generate: %,d events in %d ms, heap used after GC ~%d MB%n", EVENTS, generateMillis, usedMb);

            String token = new HaloTestClient(simulator).token();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicLong pages = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            AtomicLong events = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long deadline = System.nanoTime() + RUN.toNanos();
            long runStarted = System.nanoTime();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                SplittableRandom random = new SplittableRandom(c);
                clients.add(CompletableFuture.runAsync(() -> {
                    while (System.nanoTime() < deadline) {
                        // a random window start and page, so no two requests ask for the same bytes
                        Instant since = now.minus(Duration.ofMinutes(60 + random.nextInt(40_000)));
                        URI uri = simulator.baseUrl().resolve("/v1/events?per_page=500&sort_by=created_at.asc&page="
                                + (1 + random.nextInt(10)) + "&since=" + since);
                        try {
                            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri)
                                    .header("Authorization", "Bearer " + token).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            assertThat(response.statusCode()).isEqualTo(200);
                            pages.incrementAndGet();
                            bytes.addAndGet(response.body().length);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, pool));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).join();
            pool.shutdown();
            double seconds = (System.nanoTime() - runStarted) / 1e9;
            events.set(simulator.stats().eventsServed());
            System.out.printf("serve: %d clients, %d pages of 500 in %.1f s = %.0f pages/s, %.0f events/s, %.0f MB/s%n",
                    CLIENTS, pages.get(), seconds, pages.get() / seconds, events.get() / seconds,
                    bytes.get() / seconds / (1 << 20));
            assertThat(pages.get()).isPositive();
            assertThat(events.get()).isPositive();
        }
    }
}
