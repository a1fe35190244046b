package io.haloconnector.simulator;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CloudPassage Halo API simulator on 127.0.0.1: OAuth client-credentials tokens and paged
 * {@code /v1/events}, with injectable faults. Start it with {@link #start(SimulatorConfig)}, fill
 * {@link #events()}, point a client at {@link #baseUrl()}, and close it when done.
 */
public final class HaloSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HaloSimulator.class);

    static {
        // without it the JDK server leaves Nagle on and small answers wait for delayed ACKs
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SimulatorConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final EventStore events = new EventStore();
    private final SimulatorStats stats = new SimulatorStats();
    private final FaultInjector faults;
    private final URI baseUrl;

    private HaloSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        TokenRegistry tokens = new TokenRegistry(config.tokenTtl());
        this.faults = new FaultInjector(tokens);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port());
        if (config.tls().isPresent()) {
            HttpsServer https = HttpsServer.create(address, 256);
            https.setHttpsConfigurator(new HttpsConfigurator(config.tls().get()));
            this.server = https;
        } else {
            this.server = HttpServer.create(address, 256);
        }
        EventsEndpoint eventsEndpoint = new EventsEndpoint(config, events, tokens, faults, stats);
        server.createContext("/oauth/access_token", new TokenEndpoint(config, tokens, faults, stats));
        server.createContext("/v1/events", eventsEndpoint);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().close();
            new HttpReplies(stats).error(exchange, 404, "not_found", "no such resource");
        });
        this.executor = Executors.newCachedThreadPool(new HttpThreads());
        server.setExecutor(executor);
        this.baseUrl = URI.create((config.tls().isPresent() ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
        eventsEndpoint.baseUrl(baseUrl);
    }

    /** Binds the port and starts answering. */
    public static HaloSimulator start(SimulatorConfig config) throws IOException {
        HaloSimulator simulator = new HaloSimulator(Objects.requireNonNull(config, "config"));
        simulator.server.start();
        LOG.info("Halo simulator listening on {} ({})", simulator.baseUrl, config);
        return simulator;
    }

    /** e.g. {@code http://127.0.0.1:41234} ({@code https} with TLS), no trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    public String apiKey() {
        return config.apiKey();
    }

    public String apiSecret() {
        return config.apiSecret();
    }

    public EventStore events() {
        return events;
    }

    public FaultInjector faults() {
        return faults;
    }

    public SimulatorStats stats() {
        return stats;
    }

    /** Stops the server and any live appender started on its store. */
    @Override
    public void close() {
        events.stopLive();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Halo simulator on {} stopped", baseUrl);
    }

    /** Daemon threads, so a forgotten simulator never keeps a JVM alive. */
    private static final class HttpThreads implements ThreadFactory {

        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "halo-sim-http-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
