package io.haloconnector.testkit.hec;

import com.fasterxml.jackson.databind.JsonNode;

import io.haloconnector.Keytool;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A strict Splunk HTTP Event Collector on 127.0.0.1 that enforces Splunk's HEC documentation to the
 * letter, records what it accepted, and makes trouble on demand through {@link #faults()}.
 * Used by the tests and, as a process ({@link HecReceiverMain}), by the benchmarks.
 */
public final class HecReceiver implements AutoCloseable {

    /**
     * One accepted event POST.
     *
     * @param events       envelopes in it
     * @param bodyBytes    body size on the wire
     * @param decodedBytes body size after gzip decoding
     * @param gzip         whether it was sent with {@code Content-Encoding: gzip}
     * @param acceptedAt   when it was accepted (which sender delivered when: several nodes, one receiver)
     */
    public record AcceptedRequest(int events, int bodyBytes, int decodedBytes, boolean gzip, Instant acceptedAt) {
    }

    /** Thread-safe counters behind {@link #stats()}. */
    static final class Counters {
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong bodyBytes = new AtomicLong();
        private final AtomicLong decodedBytes = new AtomicLong();
        private final AtomicLong gzipRequests = new AtomicLong();
        private final AtomicLong refusedConnections = new AtomicLong();
        private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
        private final Map<Integer, AtomicLong> byCode = new ConcurrentHashMap<>();

        void gzipRequest() {
            gzipRequests.incrementAndGet();
        }

        void decoded(long bytes) {
            decodedBytes.addAndGet(bytes);
        }

        private static Map<Integer, Long> snapshot(Map<Integer, AtomicLong> counts) {
            Map<Integer, Long> copy = new TreeMap<>();
            counts.forEach((k, v) -> copy.put(k, v.get()));
            return copy;
        }
    }

    private final HecReceiverConfig config;
    private final ServerSocket server;
    private final URI baseUrl;
    private final HecFaults faults;
    private final EnvelopeStore store;
    private final Counters counters = new Counters();
    private final HecProtocol protocol;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService connections;
    private final Thread acceptor;
    private volatile boolean closed;

    private HecReceiver(HecReceiverConfig config, ServerSocket server, boolean tls) {
        this.config = config;
        this.server = server;
        this.baseUrl = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort());
        this.faults = new HecFaults(config.token(), this::resetOpenConnections);
        this.store = new EnvelopeStore(config.retainEnvelopes());
        this.protocol = new HecProtocol(config, faults, store, counters);
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hec-receiver-conn-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "hec-receiver-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Starts listening on 127.0.0.1 ({@code port} 0 picks a free port); HTTPS when the config has a key store. */
    public static HecReceiver start(HecReceiverConfig config) throws IOException {
        ServerSocket server;
        if (config.keyStore().isPresent()) {
            server = tlsContext(config).getServerSocketFactory().createServerSocket();
        } else {
            server = new ServerSocket();
        }
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 200);
        HecReceiver receiver = new HecReceiver(config, server, config.keyStore().isPresent());
        receiver.acceptor.start();
        return receiver;
    }

    private static SSLContext tlsContext(HecReceiverConfig config) throws IOException {
        return Keytool.serverTls(config.keyStore().orElseThrow(), config.keyStorePassword());
    }

    /** {@code http://127.0.0.1:PORT}, or https with a key store. */
    public URI baseUrl() {
        return baseUrl;
    }

    public HecReceiverConfig config() {
        return config;
    }

    /** Envelopes accepted (with ack on: accepted and acked), in arrival order. */
    public List<JsonNode> received() {
        return store.received(true);
    }

    /** With ack on: envelopes accepted whose ackId no /ack poll has confirmed yet, in arrival order. */
    public List<JsonNode> receivedUnacked() {
        return store.received(false);
    }

    /** Every accepted event POST, in arrival order (kept only when envelopes are retained). */
    public List<AcceptedRequest> acceptedRequests() {
        return store.requests();
    }

    public HecFaults faults() {
        return faults;
    }

    public HecReceiverStats stats() {
        return new HecReceiverStats(counters.requests.get(), Counters.snapshot(counters.byStatus),
                Counters.snapshot(counters.byCode), counters.bodyBytes.get(), counters.decodedBytes.get(),
                counters.gzipRequests.get(), store.acceptedCount(), store.ackedCount(), counters.refusedConnections.get());
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        resetOpenConnections();
        connections.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                if (faults.outage()) {
                    counters.refusedConnections.incrementAndGet();
                    reset(socket);
                    continue;
                }
                socket.setTcpNoDelay(true);
                open.add(socket);
                connections.execute(new HttpConnection(socket, this));
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    System.err.println("hec-receiver: accept failed: " + e);
                }
            }
        }
    }

    ReceiverAnswer handle(ReceivedRequest request) throws InterruptedException {
        return protocol.handle(request);
    }

    void countRequest(long bodyBytes) {
        counters.requests.incrementAndGet();
        counters.bodyBytes.addAndGet(bodyBytes);
    }

    ReceiverAnswer count(ReceiverAnswer answer) {
        counters.byStatus.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
        if (answer.code() != null) {
            counters.byCode.computeIfAbsent(answer.code(), c -> new AtomicLong()).incrementAndGet();
        }
        return answer;
    }

    void forget(Socket socket) {
        open.remove(socket);
    }

    private void resetOpenConnections() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /** Closes with SO_LINGER 0 so the peer sees a TCP RST, not an orderly close. */
    static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
