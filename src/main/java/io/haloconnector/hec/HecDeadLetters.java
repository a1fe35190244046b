package io.haloconnector.hec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.state.DurableFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Events HEC refused as malformed, one JSON line each in {@code stateDir/hec-dead-letter.jsonl}:
 * {@code {"reason":"code 6: Invalid data format","time":"<now>","event":{..}}}, fsynced at once
 * so they are on disk before the checkpoint moves past them.
 */
public final class HecDeadLetters {

    /** The file's name in the state folder. */
    public static final String FILE_NAME = "hec-dead-letter.jsonl";

    private final DurableFile file;

    HecDeadLetters(Path stateDir) {
        this.file = new DurableFile(stateDir.resolve(FILE_NAME));
    }

    Path file() {
        return file.path();
    }

    // pages in flight at once may each set an event aside
    synchronized void write(HaloEvent event, String reason) throws IOException {
        ObjectNode line = HaloJson.MAPPER.createObjectNode();
        line.put("reason", reason);
        line.put("time", Instant.now().toString());
        line.set("event", event.tree());
        byte[] bytes = (HaloJson.MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        file.append(bytes);
    }
}
