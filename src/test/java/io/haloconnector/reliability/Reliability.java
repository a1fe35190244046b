package io.haloconnector.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.testkit.postgres.PostgresServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the reliability tests share: the connector's properties against a simulator, reading
 * what was delivered (stdout, files, HEC envelopes), the saved checkpoint, the figures printed,
 * and the switch to full size ({@code -Dreliability.full=true}).
 */
final class Reliability {
    static final String HEC_TOKEN = "6a1e2f3d-4c5b-4a69-8877-665544332211";

    private Reliability() {
    }

    /**
     * True with {@code -Dreliability.full=true}: run the sizes the reliability targets name (minutes,
     * a million events); the default sizes keep the suite short.
     */
    static boolean full() {
        return Boolean.getBoolean("reliability.full");
    }

    /** One figure line, kept in target/surefire-reports/*-output.txt. */
    static void print(String format, Object... args) {
        System.out.println("[reliability] " + String.format(format, args));
        System.out.flush();
    }

    /** A connector polling {@code haloUrl} every second with no lag, state in {@code work/state}. */
    static Map<String, String> properties(URI haloUrl, String apiKey, Instant start, Path work) {
        Map<String, String> props = new HashMap<>();
        props.put("halo.api.url", haloUrl.toString());
        props.put("halo.api.key", apiKey);
        props.put("halo.start", start.toString());
        props.put("halo.state.dir", work.resolve("state").toString());
        props.put("halo.file.dir", work.resolve("events").toString());
        props.put("halo.poll.cron", "* * * * * ?");
        props.put("halo.poll.lag", "0s");
        props.put("halo.progress.interval", "2s");
        return props;
    }

    /** README's settings of State in PostgreSQL, for the test server's database {@code url} and user. */
    static Map<String, String> readmePostgresState(String url) {
        return Readme.recipe("postgres-state-properties").rewrite(Map.of(
                "jdbc:postgresql://db.example.com:5432/halo", url,
                "username = halo_connector", "username = " + PostgresServer.USER)).properties();
    }

    /** The environment README's line for the database password leaves, run by bash with {@code password}. */
    static Map<String, String> readmePostgresPassword(String password) {
        return Readme.recipe("postgres-password-sh").rewrite(Map.of("'...'", "'" + password + "'")).exportedEnvironment();
    }

    /** Adds the HEC output towards {@code hecUrl}. */
    static Map<String, String> withHec(Map<String, String> props, URI hecUrl) {
        props.put("halo.output", "hec");
        props.put("hec.url", hecUrl.toString());
        return props;
    }

    /** The secrets, as users give them: in the environment. */
    static Map<String, String> secrets(String haloSecret) {
        return Map.of("HALO_API_SECRET", haloSecret, "HEC_TOKEN", HEC_TOKEN);
    }

    /** The id of every line of a JSON-lines text (stdout output). */
    static List<String> idsOfLines(String text) {
        List<String> ids = new ArrayList<>();
        text.lines().forEach(line -> ids.add(parse(line).get("id").asText()));
        return ids;
    }

    /** The id of every event of the file output, files in name order (the order they were written). */
    static List<String> idsInFiles(Path dir) {
        List<String> ids = new ArrayList<>();
        forEachFileEvent(dir, event -> ids.add(event.get("id").asText()));
        return ids;
    }

    /** Every event line of the file output, files in name order. */
    static void forEachFileEvent(Path dir, Consumer<JsonNode> action) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                try (BufferedReader in = Files.newBufferedReader(file)) {
                    for (String line; (line = in.readLine()) != null; ) {
                        action.accept(parse(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of the file output so far (cheap: counts newlines). */
    static long linesInFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long count = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
                for (byte b : Files.readAllBytes(file)) {
                    if (b == '\n') {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event id of every envelope HEC accepted, in arrival order. */
    static List<String> idsOfEnvelopes(List<JsonNode> envelopes) {
        return envelopes.stream().map(e -> e.get("event").get("id").asText()).toList();
    }

    /** Each expected id delivered, nothing else, and no id twice. */
    static void assertExactlyOnce(List<String> delivered, Set<String> expected) {
        assertThat(new HashSet<>(delivered)).as("every event delivered, nothing else").isEqualTo(expected);
        assertThat(delivered).as("no event delivered twice").hasSameSizeAs(expected);
    }

    /** checkpoint.json in the state folder, parsed. */
    static JsonNode checkpoint(Path work) {
        try {
            return HaloJson.MAPPER.readTree(work.resolve("state/checkpoint.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of ids kept for dedup in a checkpoint. */
    static int checkpointIds(JsonNode checkpoint) {
        int ids = 0;
        for (JsonNode set : checkpoint.get("deliveredIds")) {
            ids += set.size();
        }
        return ids;
    }

    static JsonNode parse(String line) {
        try {
            return HaloJson.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not one JSON event: " + line, e);
        }
    }

    /** A port free now, for the connector's management endpoint. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The sum of a series' values on /observe/metrics of the connector whose management port is {@code port}. */
    static double metric(int port, String series) throws IOException, InterruptedException {
        String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * Repeats at the receiver counted by the kill they followed: [0] before the first kill, [k] after
     * kill k, which came when {@code killedAt.get(k - 1)} envelopes had arrived.
     */
    static int[] repeatsAfterEachKill(List<String> ids, List<Integer> killedAt) {
        int kills = killedAt.size();
        Set<String> seen = new HashSet<>();
        int[] repeats = new int[kills + 1];
        for (int i = 0; i < ids.size(); i++) {
            int segment = 0;
            while (segment < kills && i >= killedAt.get(segment)) {
                segment++;
            }
            if (!seen.add(ids.get(i))) {
                repeats[segment]++;
            }
        }
        return repeats;
    }

    /** How many ids occur more than once. */
    static int repeats(List<String> ids) {
        Set<String> seen = new HashSet<>();
        int repeats = 0;
        for (String id : ids) {
            if (!seen.add(id)) {
                repeats++;
            }
        }
        return repeats;
    }
}
