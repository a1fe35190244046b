package io.haloconnector.simulator;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration RUN = Duration.ofSeconds(5);
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
            // a warm-up first, so the figures are of compiled code and not of the JIT
            drive(simulator, http, token, now, pool, WARM_UP, new AtomicLong(), new AtomicLong());
            long eventsBefore = simulator.stats().eventsServed();
            Map<Long, Long> serverCpuBefore = serverThreadCpu();
            long runStarted = System.nanoTime();
            drive(simulator, http, token, now, pool, RUN, pages, bytes);
            events.set(simulator.stats().eventsServed() - eventsBefore);
            double seconds = (System.nanoTime() - runStarted) / 1e9;
            double serverCpuSeconds = cpuSince(serverCpuBefore, serverThreadCpu()) / 1e9;
            pool.shutdown();
            System.out.printf("serve: %d clients, %d pages of 500 in %.1f s = %.0f pages/s, %.0f events/s, %.0f MB/s%n",
                    CLIENTS, pages.get(), seconds, pages.get() / seconds, events.get() / seconds,
                    bytes.get() / seconds / (1 << 20));
            // clients share the JVM and the cores: pages per second of the server's own CPU is the figure that says
            // whether the simulator could keep up on one core
            System.out.printf("serve: server threads used %.2f CPU s = %.0f pages per server CPU second (%.0f µs/page)%n",
                    serverCpuSeconds, pages.get() / serverCpuSeconds, serverCpuSeconds * 1e6 / pages.get());
            assertThat(pages.get()).isPositive();
            assertThat(events.get()).isPositive();
        }
    }

    /** {@link #CLIENTS} clients asking for random pages of 500 until the time is up. */
    private static void drive(HaloSimulator simulator, HttpClient http, String token, Instant now, ExecutorService pool,
                              Duration time, AtomicLong pages, AtomicLong bytes) {
        long deadline = System.nanoTime() + time.toNanos();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            SplittableRandom random = new SplittableRandom(c + 31L * pages.get());
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
    }

    /** CPU nanoseconds by thread id of the simulator's HTTP threads (the JDK server's dispatcher and its pool). */
    private static Map<Long, Long> serverThreadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("halo-sim-http-")
                    || info.getThreadName().startsWith("HTTP-Dispatcher"))) {
                cpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return cpu;
    }

    private static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
        long total = 0;
        for (Map.Entry<Long, Long> entry : after.entrySet()) {
            total += Math.max(0, entry.getValue() - before.getOrDefault(entry.getKey(), 0L));
        }
        return total;
    }
}
