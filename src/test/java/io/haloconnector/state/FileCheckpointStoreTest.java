package io.haloconnector.state;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The checkpoint store contract on the file store. */
class FileCheckpointStoreTest extends CheckpointStoreContract {
    @TempDir
    Path dir;

    @Override
    CheckpointStore openStore() {
        return new FileCheckpointStore(dir);
    }
}
