package io.haloconnector.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.haloconnector.halo.BadEvent;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Halo events that cannot be delivered, one JSON line each in
 * {@code halo.state.dir/halo-dead-letter.jsonl}, appended and fsynced before the page that held
 * them is delivered or committed:
 * <pre>{"time":"...","reason":"no id","detail":"...","since":"...","until":"...","page":1,"position":3,
 * "id":null,"size":812,"cut":false,"sha256":"...","raw":"{\"type\":...}"}</pre>
 * {@code raw} is the event's bytes as Halo sent them (as a JSON string, cut at halo.event.maxBytes).
 * An event is written once: the SHA-256 of its bytes is looked up in the file before a write, so a
 * page fetched again (a retry, a restart after a crash, the next poll's overlap) adds nothing.
 */
public final class HaloDeadLetters {
    public static final String FILE_NAME = "halo-dead-letter.jsonl";
    private static final JsonFactory JSON = new JsonFactory();

    private final DurableFile file;
    private final Set<String> written = new HashSet<>();
    private boolean endsInsideALine; // a crash cut the last line: the next one starts on a new line

    /** Opens the file in {@code stateDir}, reading the events it already holds. */
    public HaloDeadLetters(Path stateDir) throws IOException {
        this.file = new DurableFile(stateDir.resolve(FILE_NAME));
        if (Files.exists(file.path())) {
            try (BufferedReader lines = Files.newBufferedReader(file.path(), StandardCharsets.UTF_8)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    String sha256 = sha256Of(line);
                    if (sha256 != null) {
                        written.add(sha256);
                    }
                }
            }
            try (RandomAccessFile last = new RandomAccessFile(file.path().toFile(), "r")) {
                if (last.length() > 0) {
                    last.seek(last.length() - 1);
                    endsInsideALine = last.read() != '\n';
                }
            }
        }
    }

    public Path file() {
        return file.path();
    }

    /** The events the file holds (a line cut by a crash is not one). */
    public synchronized int count() {
        return written.size();
    }

    /**
     * Appends the event unless the file holds it already; true when it was written now. The page
     * is named by its query ({@code since}, {@code until}, {@code page}), which fetches it again.
     */
    public synchronized boolean write(BadEvent event, Instant since, Instant until, int page) throws IOException {
        if (written.contains(event.sha256())) {
            return false;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(event.raw().length + 512);
        if (endsInsideALine) {
            line.write('\n');
        }
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("reason", event.reason().text());
            json.writeStringField("detail", event.detail());
            json.writeStringField("since", since.toString());
            json.writeStringField("until", until.toString());
            json.writeNumberField("page", page);
            json.writeNumberField("position", event.position());
            json.writeStringField("id", event.id());
            json.writeNumberField("size", event.size());
            json.writeBooleanField("cut", event.cut());
            json.writeStringField("sha256", event.sha256());
            json.writeStringField("raw", new String(event.raw(), StandardCharsets.UTF_8));
            json.writeEndObject();
        }
        line.write('\n');
        file.append(line.toByteArray());
        endsInsideALine = false;
        written.add(event.sha256());
        return true;
    }

    /** The sha256 field of a line, or null when the line has none (a half-written last line). */
    private static String sha256Of(String line) {
        try (JsonParser json = JSON.createParser(line)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                if (field.equals("sha256")) {
                    return json.getValueAsString();
                }
                json.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // a line cut by a crash: its event is written again
        }
    }
}
