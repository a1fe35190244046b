package io.haloconnector.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableFileTest {

    @TempDir
    Path dir;

    @Test
    void replaceSwapsTheWholeContentAndLeavesNoTempFile() throws IOException {
        DurableFile file = new DurableFile(dir.resolve("state.json"));
        file.replace(bytes("first, and longer"));
        file.replace(bytes("second"));

        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo("second");
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
    }

    @Test
    void aFailedReplaceKeepsTheOldContent() throws IOException {
        DurableFile file = new DurableFile(dir.resolve("state.json"));
        file.replace(bytes("kept"));
        // a folder where the temp file goes: opening it for writing fails, even for root
        Files.createDirectory(dir.resolve("state.json.tmp"));

        assertThatThrownBy(() -> file.replace(bytes("lost"))).isInstanceOf(FileSystemException.class);
        assertThat(Files.readString(dir.resolve("state.json"))).isEqualTo("kept");
    }

    @Test
    void dropHeadKeepsTheRestAfterThoseBytesAndLeavesNoTempFile() throws IOException {
        DurableFile file = new DurableFile(dir.resolve("letters.jsonl"));
        file.replace(bytes("one\ntwo\nthree\n"));
        file.dropHead("one\n".length());
        assertThat(Files.readString(file.path())).isEqualTo("two\nthree\n");
        file.dropHead(100);
        assertThat(Files.readString(file.path())).isEmpty();
        assertThat(dir.resolve("letters.jsonl.tmp")).doesNotExist();
    }

    @Test
    void appendAddsAtTheEndAndCreatesMissingFolders() throws IOException {
        Path path = dir.resolve("a/b/letters.jsonl");
        DurableFile file = new DurableFile(path);
        file.append(bytes("one\n"));
        file.append(bytes("two\n"));

        assertThat(Files.readAllLines(path)).containsExactly("one", "two");
        assertThat(file.path()).isEqualTo(path);
    }

    @Test
    void appendFailsWhenTheFileCannotBeOpened() throws IOException {
        Path path = Files.createDirectory(dir.resolve("letters.jsonl"));

        assertThatThrownBy(() -> new DurableFile(path).append(bytes("x"))).isInstanceOf(IOException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
