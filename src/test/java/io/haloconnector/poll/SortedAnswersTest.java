package io.haloconnector.poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SortedAnswersTest {
    @TempDir
    Path state;

    @Test
    void anApiSeenOutOfOrderIsNotTrustedToSortByALaterRunUntilTheMarkerIsDeleted() throws Exception {
        SortedAnswers first = new SortedAnswers(state);
        assertThat(first.trusted()).isTrue();
        first.distrust();
        assertThat(first.trusted()).isFalse();
        assertThat(Files.readString(state.resolve(SortedAnswers.MARKER))).contains("delete this file");

        assertThat(new SortedAnswers(state).trusted()).as("after a restart").isFalse();

        Files.delete(state.resolve(SortedAnswers.MARKER));
        assertThat(new SortedAnswers(state).trusted()).as("after the marker is deleted").isTrue();
    }

    @Test
    void withoutAStateFolderTheDistrustLastsOneRun() {
        SortedAnswers run = new SortedAnswers();
        run.distrust();
        assertThat(run.trusted()).isFalse();
        assertThat(new SortedAnswers().trusted()).isTrue();
    }
}
