package io.haloconnector.ops;

import io.haloconnector.cluster.PollerLeadership;
import io.haloconnector.state.FileCheckpointStore;
import io.haloconnector.state.StateDatabase;
import io.haloconnector.state.StateException;
import io.haloconnector.state.StateLockedException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * What a running connector holds of an account, taken by a command that writes the account's
 * checkpoint, so that no connector saves its own cursor over the command's: the state folder's
 * lock ({@code state.lock}) with the file store; with PostgreSQL the lead of the account's cluster
 * namespace (a FileLockClusterService's lock file {@code <root>/halo-<account>}) on a cluster, or,
 * without one, no connector session on the database at all (a lone connector takes no lock).
 */
final class AccountHold implements AutoCloseable {
    private static final String FILE_LOCK_CLUSTER = "org.apache.camel.component.file.cluster.FileLockClusterService";

    private final FileChannel channel;
    private final FileLock lock;

    private AccountHold(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The account's file store, its lock taken; one line when a connector runs on it. */
    static FileCheckpointStore fileStore(CommandConfiguration configuration, CommandConfiguration.Account account) {
        try {
            return new FileCheckpointStore(configuration.stateDir(account));
        } catch (StateLockedException e) {
            throw new StateLockedException("account " + account.name() + " is held by a running connector (its state.lock in "
                    + configuration.stateDir(account).toAbsolutePath().normalize() + " is taken): stop it, then run this again");
        }
    }

    /** Takes the account from the connectors that share {@code database}, or says which one holds it. */
    static AccountHold ofDatabase(CommandConfiguration configuration, CommandConfiguration.Account account,
                                  StateDatabase database) {
        Map.Entry<String, String> cluster = configuration.beans().entrySet().stream()
                .filter(bean -> bean.getValue().endsWith("ClusterService")).findFirst().orElse(null);
        if (cluster == null) {
            List<String> sessions = database.connectorSessions();
            if (!sessions.isEmpty()) {
                throw new StateLockedException("a connector is connected to the state database " + database.location()
                        + " (from " + String.join(", ", sessions.stream().distinct().toList()) + ") and would save its own"
                        + " cursor over this one: stop it, then run this again");
            }
            return new AccountHold(null, null);
        }
        if (!cluster.getValue().equals("#class:" + FILE_LOCK_CLUSTER)) {
            throw new StateException("the cluster service camel.beans." + cluster.getKey() + " (" + cluster.getValue()
                    + ") cannot be asked which node leads account " + account.name() + " from here: stop every node,"
                    + " then change the row as docs/operations.md says", null);
        }
        String root = configuration.props().get("camel.beans." + cluster.getKey() + ".root").orElseThrow(() ->
                new StateException("camel.beans." + cluster.getKey() + ".root is not set: the cluster's folder is needed", null));
        return clusterLead(Path.of(root).resolve(PollerLeadership.namespace(account.name())), account);
    }

    /** The leader's lock on {@code lockFile}: taken here when no node holds it, so none takes the lead meanwhile. */
    private static AccountHold clusterLead(Path lockFile, CommandConfiguration.Account account) {
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StateLockedException("a node of the cluster leads account " + account.name() + " (it holds "
                        + lockFile + "): stop every node (a standby would take the lead), then run this again");
            }
            return new AccountHold(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StateException("cannot check the cluster's lead of account " + account.name() + " at " + lockFile
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // released with the channel below
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written
            }
        }
    }
}
