package io.haloconnector.testkit.hec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Serves one client connection: reads HTTP/1.1 requests (Content-Length or chunked bodies,
 * keep-alive) and writes the receiver's answers. A hand-made server rather than the JDK's
 * HttpServer because tests need real TCP resets.
 */
final class HttpConnection implements Runnable {

    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int IDLE_TIMEOUT_MILLIS = 120_000;

    private final Socket socket;
    private final HecReceiver receiver;

    HttpConnection(Socket socket, HecReceiver receiver) {
        this.socket = socket;
        this.receiver = receiver;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (serveOne(in, out)) {
                // keep-alive: next request on the same connection
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or a reset/outage closed the socket: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            receiver.forget(socket);
        }
    }

    private boolean serveOne(InputStream in, OutputStream out) throws IOException, InterruptedException {
        String requestLine = readLine(in);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = readLine(in);
        }
        if (requestLine == null) {
            return false;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
            write(out, ReceiverAnswer.plain(400, "text/plain", "Bad request line", Map.of()), true);
            return false;
        }
        Map<String, String> headers = readHeaders(in);
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
        boolean close = "close".equalsIgnoreCase(headers.get("connection")) || parts[2].equals("HTTP/1.0");

        long limit = receiver.config().maxContentLength();
        String length = headers.get("content-length");
        if (length != null && parseLength(length) > limit) {
            if (parseLength(length) <= 64L * 1024 * 1024) {
                in.skipNBytes(parseLength(length)); // read it all, so the client gets the 413 rather than a broken pipe
            }
            receiver.countRequest(0);
            write(out, receiver.count(ReceiverAnswer.json(413, null,
                    "{\"text\":\"Content-Length of " + length + " too large (maximum is " + limit + ")\"}")), true);
            return false;
        }
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in, limit);
            if (body == null) {
                receiver.countRequest(0);
                write(out, receiver.count(ReceiverAnswer.json(413, null, "{\"text\":\"Content too large (maximum is " + limit + ")\"}")), true);
                return false;
            }
        } else {
            body = length == null ? new byte[0] : in.readNBytes((int) parseLength(length));
        }
        receiver.countRequest(body.length);

        // an outage refuses a request before it is handled: once handled, its answer is sent (a
        // request stored and then reset would be a repeat the test could not tell from a bug)
        ReceiverAnswer answer = receiver.faults().outage() ? ReceiverAnswer.RESET
                : receiver.handle(new ReceivedRequest(parts[0], path, query, headers, body));
        if (answer.isReset()) {
            receiver.count(ReceiverAnswer.RESET);
            HecReceiver.reset(socket);
            return false;
        }
        if (answer.isNone()) {
            awaitClientGone(in);
            return false;
        }
        write(out, receiver.count(answer), close);
        if (answer.pace().stallAfterBytes() >= 0) {
            awaitClientGone(in);
            return false;
        }
        return !close;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("bad Content-Length");
    }

    private Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("headers too large");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static byte[] readChunked(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("truncated chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (true) {
                    String trailer = readLine(in);
                    if (trailer == null || trailer.isEmpty()) {
                        return body.toByteArray();
                    }
                }
            }
            if (body.size() + (long) size > limit) {
                return null;
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("line too long");
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    /** Holds the connection, answering nothing, until the client closes it (or the receiver, or the idle timeout). */
    private static void awaitClientGone(InputStream in) throws IOException {
        while (in.read() >= 0) {
            // a client does not send more while it waits for an answer: drop whatever comes
        }
    }

    private static void write(OutputStream out, ReceiverAnswer answer, boolean close) throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(' ')
                .append(reason(answer.status())).append("\r\n")
                .append("Content-Type: ").append(answer.contentType()).append("\r\n")
                .append("Content-Length: ").append(answer.body().length).append("\r\n")
                .append("Connection: ").append(close ? "close" : "keep-alive").append("\r\n");
        answer.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        ReceiverAnswer.Pace pace = answer.pace();
        if (pace.stallAfterBytes() >= 0) {
            out.write(answer.body(), 0, Math.min(pace.stallAfterBytes(), answer.body().length));
        } else if (!pace.perByte().isZero()) {
            out.flush();
            for (byte b : answer.body()) {
                Thread.sleep(pace.perByte().toMillis()); // a client that gave up makes the next write fail
                out.write(b);
                out.flush();
            }
        } else {
            out.write(answer.body());
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
