package io.haloconnector.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.halo.HaloJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The events an output wrote as JSON lines: a folder of event files (read in name order) or one
 * file. Only complete lines count, since the connector may be writing the next page right now;
 * nothing there yet is no events.
 */
public final class EventFiles {
    private EventFiles() {
    }

    /** Every complete line of the file, or of each regular file in the folder, as JSON. */
    public static List<JsonNode> events(Path folderOrFile) {
        List<JsonNode> events = new ArrayList<>();
        try {
            for (Path file : files(folderOrFile)) {
                String text = Files.readString(file);
                for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                    if (!line.isBlank()) {
                        events.add(HaloJson.MAPPER.readTree(line));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The {@code id} of each of those events, in file order. */
    public static List<String> ids(Path folderOrFile) {
        return events(folderOrFile).stream().map(event -> event.get("id").asText()).toList();
    }

    private static List<Path> files(Path folderOrFile) throws IOException {
        if (Files.isRegularFile(folderOrFile)) {
            return List.of(folderOrFile);
        }
        if (!Files.isDirectory(folderOrFile)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folderOrFile)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
