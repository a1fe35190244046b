package io.haloconnector.route;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain-HTTP forward proxy on loopback, as a site's outbound proxy: it takes absolute-form
 * requests ({@code GET http://host:port/path HTTP/1.1}), sends them on and relays the answer, and
 * records the path of each request it carried.
 */
final class ForwardProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "proxy-connection",
            "keep-alive", "transfer-encoding", "upgrade", "expect");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    private ForwardProxy(HttpServer server) {
        this.server = server;
    }

    static ForwardProxy start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ForwardProxy proxy = new ForwardProxy(server);
        server.createContext("/", proxy::relay);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return proxy;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The paths of the requests carried so far, in order. */
    List<String> paths() {
        return List.copyOf(paths);
    }

    private void relay(HttpExchange exchange) throws IOException {
        URI target = exchange.getRequestURI();
        try (exchange) {
            if (target.getScheme() == null) {
                exchange.sendResponseHeaders(400, -1); // not a proxy request
                return;
            }
            paths.add(target.getPath());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
