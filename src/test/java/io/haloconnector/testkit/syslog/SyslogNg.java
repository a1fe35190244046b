package io.haloconnector.testkit.syslog;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real syslog-ng (Debian's syslog-ng-core, installed by .ci/run) run by a test: its own
 * configuration, pid, control and persist files in a folder of the test, listening on free
 * loopback ports for RFC 5424 over TCP (octet counting), TLS and UDP, and writing each message it
 * parsed as one line of {@link #messagesFile()}: the header fields as syslog-ng read them, then
 * the message text, separated by tabs; and each message as it came over the wire, before that
 * parse, as one line of {@link #rawMessagesFile()}. It can be killed (SIGKILL) and started again on the same ports.
 */
public final class SyslogNg implements AutoCloseable {
    private static final Path[] LOCATIONS = {Path.of("/usr/sbin/syslog-ng"), Path.of("/usr/bin/syslog-ng")};

    private final Path dir;
    private final int tcpPort;
    private final int tlsPort;
    private final int udpPort;
    private final SyslogTlsFiles tls;
    private Process process;

    private SyslogNg(Path dir, SyslogTlsFiles tls) throws IOException {
        this.dir = dir;
        this.tls = tls;
        this.tcpPort = freePort();
        this.tlsPort = freePort();
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            this.udpPort = socket.getLocalPort();
        }
    }

    /** Skips the test when syslog-ng is not installed, unless it runs as CI (where .ci/run installs it): then it fails. */
    public static Path binary() {
        for (Path location : LOCATIONS) {
            if (Files.isExecutable(location)) {
                return location;
            }
        }
        String message = "syslog-ng is not installed: apt-get install -y syslog-ng-core (.ci/run installs it)";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** Starts syslog-ng with its files in {@code dir}; TLS with the server key and certificate of {@code tls}. */
    public static SyslogNg start(Path dir, SyslogTlsFiles tls) throws Exception {
        Files.createDirectories(dir);
        SyslogNg receiver = new SyslogNg(dir, tls);
        receiver.writeConfig();
        receiver.launch();
        return receiver;
    }

    private void writeConfig() throws IOException {
        String config = """
                @version: 3.38
                options { keep-hostname(yes); keep-timestamp(yes); use-dns(no); use-fqdn(no); chain-hostnames(no);
                          stats-freq(0); flush-lines(0); log-msg-size(2000000); frac-digits(6); time-zone("UTC"); };
                source s_tcp { syslog(transport("tcp") ip("127.0.0.1") port(%d) max-connections(20) log-msg-size(2000000)
                               flags(store-raw-message)); };
                source s_tls { syslog(transport("tls") ip("127.0.0.1") port(%d) max-connections(20) log-msg-size(2000000)
                               tls(key-file("%s") cert-file("%s") peer-verify(optional-untrusted)) flags(store-raw-message)); };
                source s_udp { syslog(transport("udp") ip("127.0.0.1") port(%d) so-rcvbuf(8388608) log-msg-size(65536)
                               flags(store-raw-message)); };
                destination d_file { file("%s" template("${PRI}\\t${ISODATE}\\t${HOST}\\t${PROGRAM}\\t${PID}\\t${MSGID}\\t${SDATA}\\t${MSG}\\n")); };
                destination d_raw { file("%s" template("${RAWMSG}\\n")); };
                log { source(s_tcp); source(s_tls); source(s_udp); destination(d_file); destination(d_raw); flags(flow-control); };
                """.formatted(tcpPort, tlsPort, tls.serverKey(), tls.serverCertificate(), udpPort, messagesFile(), rawMessagesFile());
        Files.writeString(dir.resolve("syslog-ng.conf"), config);
    }

    private void launch() throws Exception {
        process = new ProcessBuilder(binary().toString(), "--foreground", "--no-caps",
                "--cfgfile=" + dir.resolve("syslog-ng.conf"), "--pidfile=" + dir.resolve("syslog-ng.pid"),
                "--control=" + dir.resolve("syslog-ng.ctl"), "--persist-file=" + dir.resolve("syslog-ng.persist"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("syslog-ng.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!accepts(tcpPort) || !accepts(tlsPort)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("syslog-ng stopped at start: " + Files.readString(dir.resolve("syslog-ng.log")));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("syslog-ng does not listen after 30 s: " + Files.readString(dir.resolve("syslog-ng.log")));
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling for a port, not waiting on a route
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    public int udpPort() {
        return udpPort;
    }

    public Path messagesFile() {
        return dir.resolve("messages.log");
    }

    /** Each message as it came over the wire (its frame's length aside), before syslog-ng parsed it. */
    public Path rawMessagesFile() {
        return dir.resolve("raw.log");
    }

    /** Every complete line of the raw messages file: the message bytes as sent, header included. */
    public List<String> rawMessages() {
        Path file = rawMessagesFile();
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: whatever it read but had not written yet, and its socket buffers, are gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: it stops reading; connections stay open and the senders' socket buffers fill. */
    public void pause() throws Exception {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** Starts it again on the same ports, appending to the same file. */
    public void restart() throws Exception {
        launch();
    }

    /** Every complete line of the messages file, parsed into its fields. */
    public List<ReceivedMessage> messages() {
        Path file = messagesFile();
        List<ReceivedMessage> messages = new ArrayList<>();
        if (!Files.exists(file)) {
            return messages;
        }
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                if (!line.isEmpty()) {
                    messages.add(ReceivedMessage.parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            signal("-CONT"); // a paused one would not see SIGTERM
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One message as syslog-ng parsed its RFC 5424 header; {@code text} is its MSG. */
    public record ReceivedMessage(int pri, String timestamp, String host, String appName, String procId, String msgId,
                                  String structuredData, String text) {
        static ReceivedMessage parse(String line) {
            String[] f = line.split("\t", 8);
            if (f.length != 8) {
                throw new IllegalArgumentException("not a line syslog-ng wrote: " + line);
            }
            return new ReceivedMessage(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
        }
    }
}
