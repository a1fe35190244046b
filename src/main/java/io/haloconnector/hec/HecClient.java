package io.haloconnector.hec;

import io.haloconnector.config.HecSettings;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The three HEC calls (event POST, health GET, ack POST) over the JDK HttpClient. One request
 * each, no retries here: {@link HecBatchSender} decides. The token goes only into the
 * Authorization header.
 */
final class HecClient {

    private final HttpClient http;
    private final HecSettings settings;
    private final String channel;
    private final StopSignal stop;
    private final URI eventUri;
    private final URI healthUri;
    private final URI ackUri;

    HecClient(HecSettings settings, UUID channel, StopSignal stop) {
        this.settings = settings;
        this.channel = channel.toString();
        this.stop = stop;
        String base = settings.url().toString();
        this.eventUri = URI.create(base + "/services/collector/event");
        this.healthUri = URI.create(base + "/services/collector/health");
        this.ackUri = URI.create(base + "/services/collector/ack");
        // JDK client: no silent Retry-After handling, our own gzip bodies, a custom SSLContext for the trust store
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.insecure() || settings.trustStore().isPresent()) {
            builder.sslContext(sslContext(settings));
        }
        this.http = builder.build();
    }

    HecAnswer postEvents(HecBatch batch) throws InterruptedException, HecSinkClosedException {
        HttpRequest.Builder request = request(eventUri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body(settings.gzip())));
        if (settings.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        return send(request.build());
    }

    HecAnswer health() throws InterruptedException, HecSinkClosedException {
        return send(HttpRequest.newBuilder(healthUri).timeout(settings.timeout()).GET().build());
    }

    HecAnswer ack(Collection<Long> ackIds) throws InterruptedException, HecSinkClosedException {
        String body = ackIds.stream().map(String::valueOf).collect(Collectors.joining(",", "{\"acks\":[", "]}"));
        return send(request(ackUri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Authorization", "Splunk " + settings.token());
        if (settings.ack()) {
            request.header("X-Splunk-Request-Channel", channel);
        }
        return request;
    }

    private HecAnswer send(HttpRequest request) throws InterruptedException, HecSinkClosedException {
        try {
            HttpResponse<byte[]> response = stop.await(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
            return HecAnswer.of(response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
        } catch (ExecutionException e) {
            return HecAnswer.failed(e.getCause() instanceof Exception cause ? cause : e);
        }
    }

    private static SSLContext sslContext(HecSettings settings) {
        try {
            TrustManager[] trust;
            if (settings.insecure()) {
                trust = new TrustManager[] {new TrustingEverything()};
            } else {
                KeyStore store;
                try (InputStream in = Files.newInputStream(settings.trustStore().orElseThrow())) {
                    store = KeyStore.getInstance(settings.trustStore().get().toString().toLowerCase().endsWith(".jks") ? "JKS" : "PKCS12");
                    store.load(in, settings.trustStorePassword());
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS for HEC: " + e.getMessage(), e);
        }
    }

    /**
     * hec.tls.insecure: accepts any certificate. Extended, so that the JDK does not add its own
     * hostname check around it.
     */
    private static final class TrustingEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
