package io.haloconnector.route;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconnector.LogCapture;
import io.haloconnector.halo.HaloJson;
import io.haloconnector.readme.Readme;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.syslog.CefFormat;
import io.haloconnector.syslog.HostileEvents;
import io.haloconnector.syslog.LeefValues;
import io.haloconnector.syslog.Rfc5424Message;
import io.haloconnector.syslog.SiemFields;
import io.haloconnector.syslog.StrictCefParser;
import io.haloconnector.syslog.StrictLeefParser;
import io.haloconnector.testkit.syslog.SyslogNg;
import io.haloconnector.testkit.syslog.SyslogNg.ReceivedMessage;
import io.haloconnector.testkit.syslog.SyslogTlsFiles;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * halo.output=syslog end to end: the YAML route polls the simulator and sends to a real syslog-ng
 * started by the test (TCP with octet counting, TLS with a test CA), which writes what it parsed
 * to a file; the test reads that file back through the strict CEF and LEEF parsers.
 */
class SyslogRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final DateTimeFormatter SYSLOG_NG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    @TempDir
    Path work;

    private HaloSimulator simulator;
    private SyslogNg receiver;
    private SyslogTlsFiles tls;

    @BeforeEach
    void startReceiver() throws Exception {
        SyslogNg.binary();
        tls = SyslogTlsFiles.create(work.resolve("tls"), "halo");
        receiver = SyslogNg.start(work.resolve("syslog-ng"), tls);
    }

    @AfterEach
    void stop() throws Exception {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** The simulator with {@code events} generated ones and two hostile ones; the connector's properties. */
    private Map<String, String> setUp(String format, String protocol, int events) throws Exception {
        simulator = HaloSimulator.start(SimulatorConfig.builder().build());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(24));
        simulator.events().generate(43, start, Instant.now().minusSeconds(120), events);
        simulator.events().add(HostileEvents.event("hostile-1", Instant.now().minusSeconds(100)));
        simulator.events().add(HostileEvents.event("hostile-2", Instant.now().minusSeconds(90)));
        Map<String, String> props = RunningConnector.properties(simulator, work);
        props.put("halo.start", start.toString());
        props.put("halo.output", "syslog");
        props.put("syslog.format", format);
        props.put("syslog.protocol", protocol);
        props.put("syslog.host", "127.0.0.1");
        props.put("syslog.port", String.valueOf(switch (protocol) {
            case "tls" -> receiver.tlsPort();
            case "udp" -> receiver.udpPort();
            default -> receiver.tcpPort();
        }));
        if (protocol.equals("tls")) {
            props.put("syslog.tls.trustStore", tls.trustStore().toString());
            props.put("syslog.tls.trustStorePassword", tls.trustStorePassword());
        }
        return props;
    }

    private Map<String, JsonNode> haloEvents() {
        return simulator.events().all().stream().collect(Collectors.toMap(e -> e.get("id").asText(), Function.identity()));
    }

    /** Runs the connector until syslog-ng wrote as many messages as the simulator holds events, and a little longer. */
    private List<ReceivedMessage> deliverAll(Map<String, String> props) throws Exception {
        return deliverAll(props, () -> { });
    }

    /** {@link #deliverAll(Map)}, then {@code whileRunning} before the connector stops. */
    private List<ReceivedMessage> deliverAll(Map<String, String> props, ThrowingRunnable whileRunning) throws Exception {
        int expected = simulator.events().size();
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).until(() -> receiver.messages().size() >= expected);
            // the checkpoint reached the newest event: a later poll would only find repeats, which it drops
            await().atMost(WAIT).until(() -> newestCreatedAt().equals(checkpointCursor()));
            whileRunning.run();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return receiver.messages();
    }

    private String newestCreatedAt() {
        return simulator.events().all().stream().map(e -> Instant.parse(e.get("created_at").asText()))
                .max(Instant::compareTo).orElseThrow().toString();
    }

    private String checkpointCursor() throws Exception {
        Path file = work.resolve("state/checkpoint.json");
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode cursor = HaloJson.MAPPER.readTree(file.toFile()).get("cursor");
        return cursor == null || cursor.isNull() ? null : Instant.parse(cursor.asText()).toString();
    }

    /** The RFC 5424 header as syslog-ng parsed it: PRI, TIMESTAMP (microseconds), HOSTNAME, APP-NAME, PROCID, MSGID, no SD. */
    private static void assertHeader(ReceivedMessage message, JsonNode event) {
        assertHeader(message, event, ChronoUnit.MICROS);
    }

    /** The header, its TIMESTAMP created_at cut to {@code precision} (syslog-ng writes six decimals whatever came). */
    private static void assertHeader(ReceivedMessage message, JsonNode event, ChronoUnit precision) {
        int severity = SiemFields.severity(event.get("type").asText(), event.path("critical").asBoolean(false));
        assertThat(message.pri()).isEqualTo(16 * 8 + SiemFields.syslogSeverity(severity));
        assertThat(message.timestamp()).isEqualTo(SYSLOG_NG_TIME.format(Instant.parse(event.get("created_at").asText()).truncatedTo(precision)));
        assertThat(message.host()).isEqualTo(Rfc5424Message.localHostname());
        assertThat(message.appName()).isEqualTo("halo-connector");
        assertThat(message.procId()).isEmpty();
        String type = event.get("type").asText();
        assertThat(message.msgId()).isEqualTo(type.substring(0, Math.min(32, type.length())));
        assertThat(message.structuredData()).isEmpty();
    }

    private static String text(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || node.isNull() || node.asText().isEmpty()) {
            return null;
        }
        if ((field.equals("actor_ip_address") || field.equals("server_primary_ip_address")) && !IPV4.matcher(node.asText()).matches()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    @Test
    void cefOverTcpCarriesEveryEventOnceWithEveryMappedField() throws Exception {
        Map<String, String> props = setUp("cef", "tcp", 1500);
        // a 70 KB message and a 5,000-character policy: cut to ArcSight's 1023 and 4000, counted in the metrics
        ObjectNode long1 = HostileEvents.event("long-1", Instant.now().minusSeconds(80));
        long1.put("message", "m=|\\".repeat(70 * 1024 / 4));
        long1.put("policy_name", "p".repeat(5000));
        simulator.events().add(long1);
        int port = freePort();
        props.put("camel.management.enabled", "true");
        props.put("camel.management.port", Integer.toString(port));
        Map<String, JsonNode> halo = haloEvents();
        List<String> scrape = new ArrayList<>();
        List<ReceivedMessage> messages = deliverAll(props, () -> scrape.add(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body()));

        Map<String, Long> idCounts = new HashMap<>();
        for (ReceivedMessage message : messages) {
            StrictCefParser.Cef cef = StrictCefParser.parse(message.text());
            String id = cef.extension().get("externalId");
            idCounts.merge(id, 1L, Long::sum);
            JsonNode event = halo.get(id);
            assertThat(event).as("an event the simulator holds: " + id).isNotNull();
            assertHeader(message, event);
            assertThat(cef.vendor()).isEqualTo("CloudPassage");
            assertThat(cef.product()).isEqualTo("Halo");
            assertThat(cef.signatureId()).isEqualTo(event.get("type").asText());
            assertThat(cef.name()).isEqualTo(event.get("name").asText().replaceAll("[\r\n]", " "));
            assertThat(cef.severity()).isEqualTo(SiemFields.severity(event.get("type").asText(), event.path("critical").asBoolean()));
            assertThat(cef.extension().get("rt")).isEqualTo(String.valueOf(Instant.parse(event.get("created_at").asText()).toEpochMilli()));
            for (SiemFields field : SiemFields.values()) {
                assertCefValue(cef.extension().get(field.cef()), text(event, field.halo()), field.cefLength(), id + " " + field.halo() + " as " + field.cef());
                if (field.cefLabel() != null && text(event, field.halo()) != null) {
                    assertThat(cef.extension().get(field.cef() + "Label")).isEqualTo(field.cefLabel());
                }
            }
        }
        assertThat(idCounts.keySet()).isEqualTo(halo.keySet());
        assertThat(idCounts.values()).as("every event once").allMatch(n -> n == 1);
        assertThat(messages).hasSize(halo.size());
        Map<String, String> longOne = StrictCefParser.parse(messages.stream().filter(m -> m.text().contains("externalId=long-1"))
                .findFirst().orElseThrow().text()).extension();
        assertThat(longOne.get("msg")).hasSize(1023).endsWith(CefFormat.CUT_MARK).startsWith("m=|\\m=|\\");
        assertThat(longOne.get("cs1")).isEqualTo("p".repeat(3999) + CefFormat.CUT_MARK);
        // the two hostile events' 10 KB messages and long-1's: three msg cuts, one cs1, in a real scrape
        assertThat(scrape.get(0)).containsPattern("(?m)^syslog_cef_values_truncated_total\\{key=\"msg\"} 3(\\.0)?$")
                .containsPattern("(?m)^syslog_cef_values_truncated_total\\{key=\"cs1\"} 1(\\.0)?$");
        // the header's TIMESTAMP keeps microseconds for CEF
        assertThat(receiver.rawMessages()).hasSize(messages.size())
                .allMatch(raw -> raw.matches("<\\d{1,3}>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z .*"));
    }

    /** A CEF value as ArcSight's dictionary allows it: whole up to its length, else cut there, the mark last (0: no length). */
    private static void assertCefValue(String sent, String original, int length, String what) {
        if (original == null || length == 0 || original.length() <= length) {
            assertThat(sent).as(what).isEqualTo(original);
            return;
        }
        // one shorter where the cut would have split a surrogate pair
        assertThat(sent.length()).as(what).isBetween(length - 1, length);
        assertThat(sent).as(what).endsWith(CefFormat.CUT_MARK);
        assertThat(original).as(what).startsWith(sent.substring(0, sent.length() - CefFormat.CUT_MARK.length()));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void leefOverTlsWithATestCaCarriesEveryEventOnce() throws Exception {
        Map<String, String> props = setUp("leef", "tls", 800);
        Map<String, JsonNode> halo = haloEvents();
        List<ReceivedMessage> messages = deliverAll(props);

        Map<String, Long> idCounts = new HashMap<>();
        for (ReceivedMessage message : messages) {
            StrictLeefParser.Leef leef = StrictLeefParser.parse(message.text());
            Map<String, String> attributes = leef.attributes();
            String id = attributes.get("externalId");
            idCounts.merge(id, 1L, Long::sum);
            JsonNode event = halo.get(id);
            assertThat(event).as("an event the simulator holds: " + id).isNotNull();
            // IBM's LEEF guide: the syslog header's timestamp in milliseconds
            assertHeader(message, event, ChronoUnit.MILLIS);
            assertThat(leef.delimiter()).isEqualTo('\t');
            assertThat(leef.eventId()).isEqualTo(event.get("type").asText());
            assertThat(StrictLeefParser.devTime(attributes.get("devTime"), attributes.get("devTimeFormat")).toInstant())
                    .isEqualTo(Instant.parse(event.get("created_at").asText()).truncatedTo(ChronoUnit.MILLIS));
            for (SiemFields field : SiemFields.values()) {
                String value = attributes.get(field.leef());
                assertThat(value == null ? null : LeefValues.unescape(value)).as(id + " " + field.halo() + " as " + field.leef())
                        .isEqualTo(text(event, field.halo()));
            }
        }
        assertThat(idCounts.keySet()).isEqualTo(halo.keySet());
        assertThat(idCounts.values()).as("every event once").allMatch(n -> n == 1);
        assertThat(messages).hasSize(halo.size());
        // as sent, before syslog-ng's parse: yyyy-MM-ddTHH:mm:ss.SSSZ, three decimals
        assertThat(receiver.rawMessages()).hasSize(messages.size())
                .allMatch(raw -> raw.matches("<\\d{1,3}>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z .* LEEF:2\\.0\\|.*"));
    }

    @Test
    void readmesCefOverTlsSettingsDeliverEveryEventOnce() throws Exception {
        Map<String, String> props = setUp("cef", "tls", 200);
        props.keySet().removeIf(key -> key.startsWith("syslog.") || key.equals("halo.output"));
        props.putAll(Readme.recipe("syslog-cef-tls-properties").rewrite(Map.of(
                "arcsight-collector.example.com", "127.0.0.1",
                "syslog.port = 6514", "syslog.port = " + receiver.tlsPort(),
                "/etc/halo-connector/syslog-ca.p12", tls.trustStore().toString())).properties());
        // README gives the trust store's password as SYSLOG_TLS_TRUSTSTOREPASSWORD; this JVM's environment is fixed
        props.put("syslog.tls.trustStorePassword", tls.trustStorePassword());
        Map<String, JsonNode> halo = haloEvents();
        List<ReceivedMessage> messages = deliverAll(props);

        List<String> ids = messages.stream().map(m -> StrictCefParser.parse(m.text()).extension().get("externalId")).toList();
        assertThat(ids).as("one CEF message per event").hasSize(halo.size());
        assertThat(Set.copyOf(ids)).isEqualTo(halo.keySet());
    }

    @Test
    void jsonCarriesTheEventUnchanged() throws Exception {
        Map<String, String> props = setUp("json", "tcp", 300);
        Map<String, JsonNode> halo = haloEvents();
        List<ReceivedMessage> messages = deliverAll(props);

        assertEachIsAHaloEventUnchanged(messages, halo);
        assertThat(messages.stream().map(m -> m.text()).collect(Collectors.toSet())).hasSize(halo.size());
    }

    @Test
    void udpSendsOneDatagramPerEventWhenAsked() throws Exception {
        // few events: loopback drops nothing at this rate, but UDP promises nothing (README)
        Map<String, String> props = setUp("json", "udp", 150);
        Map<String, JsonNode> halo = haloEvents();
        List<ReceivedMessage> messages = deliverAll(props);

        assertEachIsAHaloEventUnchanged(messages, halo);
    }

    /** One message per Halo event, each the event unchanged under its RFC 5424 header. */
    private void assertEachIsAHaloEventUnchanged(List<ReceivedMessage> messages, Map<String, JsonNode> halo) throws Exception {
        assertThat(messages).hasSize(halo.size());
        for (ReceivedMessage message : messages) {
            JsonNode event = HaloJson.MAPPER.readTree(message.text());
            // compared as parsed by one mapper: 4.3 stays 4.3
            assertThat(event).isEqualTo(HaloJson.MAPPER.readTree(halo.get(event.get("id").asText()).toString()));
            assertHeader(message, event);
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAndNothingIsCommitted() throws Exception {
        Map<String, String> props = setUp("cef", "tls", 50);
        SyslogTlsFiles otherCa = SyslogTlsFiles.create(work.resolve("other-tls"), "other");
        props.put("syslog.tls.trustStore", otherCa.trustStore().toString());
        props.put("syslog.tls.trustStorePassword", otherCa.trustStorePassword());
        assertRefused(props, "unable to find valid certification path", "syslog.tls.trustStore");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        // the CA is trusted, but the certificate names 127.0.0.1 only, and the connector dials "localhost"
        Map<String, String> props = setUp("cef", "tls", 50);
        props.put("syslog.host", "localhost");
        assertRefused(props, "No name matching localhost found", "syslog.tls.trustStore");
    }

    @Test
    void aReceiverThatIsNotListeningIsReportedInOneLineNamingItsAddress() throws Exception {
        Map<String, String> props = setUp("cef", "tcp", 50);
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            props.put("syslog.port", String.valueOf(closed.getLocalPort()));
        }
        // a port nothing listens on may also be taken and let go at once (another process, or a
        // loopback connection to itself): netty's pool then finds the connection closed
        assertRefused(props, "Connection refused", "check syslog.host and syslog.port",
                "the connection was closed as soon as it opened");
    }

    /**
     * Each poll fails with one ERROR line naming the receiver, the reason and the setting to check, with
     * no WARN and no stack trace at INFO; at DEBUG the stack trace follows. Nothing is committed.
     */
    private void assertRefused(Map<String, String> props, String reason, String setting, String... otherReasons)
            throws Exception {
        List<String> reasons = new java.util.ArrayList<>(List.of(otherReasons));
        reasons.add(0, reason);
        String address = props.get("syslog.host") + ":" + props.get("syslog.port");
        for (Level level : List.of(Level.INFO, Level.DEBUG)) {
            try (LogCapture logs = new LogCapture(level); RunningConnector connector = RunningConnector.start(props)) {
                await().atMost(WAIT).until(() -> logs.lines(Level.ERROR).stream()
                        .filter(line -> line.startsWith("Poll stopped") && line.contains(reason)).count() >= 2);
                if (level == Level.INFO) {
                    assertThat(logs.oneLineErrors()).as("one line per failed poll").isNotEmpty().allSatisfy(line -> assertThat(line)
                            .startsWith("Poll stopped: The syslog receiver " + address + " did not take the page")
                            .containsAnyOf(reasons.toArray(String[]::new)).contains(setting).doesNotContain(".."));
                } else {
                    logs.assertStackTraceOf(reason);
                }
            }
        }
        assertThat(receiver.messages()).isEmpty();
        assertThat(checkpointCursor()).as("no page committed").isNull();
    }

    @Test
    void aReceiverKilledMidCatchUpAndStartedAgainGetsTheRest() throws Exception {
        Map<String, String> props = setUp("cef", "tcp", 20_000);
        props.put("halo.perPage", "500");
        Map<String, JsonNode> halo = haloEvents();
        int killedAt;
        long failedPolls;
        String cursorWhileDown;
        try (LogCapture logs = new LogCapture(Level.INFO); RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> receiver.messages().size() >= 4000);
            receiver.kill();
            killedAt = receiver.messages().size();
            // receiver down: each poll fails (reset, then connection refused) and commits nothing
            await().atMost(WAIT).until(() -> logs.lines(Level.ERROR).stream()
                    .filter(line -> line.startsWith("Poll stopped")).count() >= 3);
            cursorWhileDown = checkpointCursor();
            int receivedWhileDown = receiver.messages().size();
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> java.util.Objects.equals(checkpointCursor(), cursorWhileDown));
            assertThat(receiver.messages()).hasSize(receivedWhileDown);
            receiver.restart();
            await().atMost(WAIT).until(() -> newestCreatedAt().equals(checkpointCursor()));
            failedPolls = logs.lines(Level.ERROR).stream().filter(line -> line.startsWith("Poll stopped")).count();
            // a reset, then refused connections: one line each, naming the receiver and the settings
            assertThat(logs.oneLineErrors()).as("one line per failed poll").allSatisfy(line -> assertThat(line)
                    .startsWith("Poll stopped: The syslog receiver 127.0.0.1:" + props.get("syslog.port") + " did not take the page")
                    .contains("check syslog.host and syslog.port"));
        }
        Map<String, Long> idCounts = receiver.messages().stream()
                .collect(Collectors.groupingBy(m -> StrictCefParser.parse(m.text()).extension().get("externalId"), Collectors.counting()));
        List<String> missing = halo.keySet().stream().filter(id -> !idCounts.containsKey(id)).toList();
        long repeated = idCounts.values().stream().filter(n -> n > 1).count();
        System.out.printf("[syslog] killed after %d of %d messages; %d failed polls; after the restart: %d missing, %d repeated%n",
                killedAt, halo.size(), failedPolls, missing.size(), repeated);
        // TCP syslog has no application acknowledgement (docs/guarantees.md): what the socket buffers held
        // when syslog-ng was killed is lost, and that can be more than a page (a page counts as written once
        // the kernel took it). Nothing else is: only events committed before the kill, one run in delivery order
        Instant committedAtKill = Instant.parse(cursorWhileDown);
        List<Instant> lost = missing.stream().map(id -> Instant.parse(halo.get(id).get("created_at").asText())).sorted().toList();
        assertThat(lost).as("events lost: only ones committed (written to the socket) before the kill")
                .allSatisfy(createdAt -> assertThat(createdAt).isBeforeOrEqualTo(committedAtKill));
        if (!lost.isEmpty()) {
            Instant first = lost.get(0);
            Instant last = lost.get(lost.size() - 1);
            assertThat(halo.values().stream().filter(e -> idCounts.containsKey(e.get("id").asText()))
                    .map(e -> Instant.parse(e.get("created_at").asText())))
                    .as("events lost: one run just before the kill, the buffers' tail, nothing delivered inside it")
                    .noneMatch(createdAt -> createdAt.isAfter(first) && createdAt.isBefore(last));
        }
        assertThat(halo.size() - missing.size()).as("every event after that run arrives").isGreaterThan(killedAt);
        assertThat(repeated).as("events repeated: at most the page that failed").isLessThanOrEqualTo(500);
    }

    @Test
    void aReceiverThatStopsReadingHoldsThePollAndLosesNothing() throws Exception {
        Map<String, String> props = setUp("cef", "tcp", 30_000);
        Map<String, JsonNode> halo = haloEvents();
        try (RunningConnector connector = RunningConnector.start(props)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> receiver.messages().size() >= 2000);
            receiver.pause();
            // the socket buffers fill and the page's write waits: no commit, and Halo is not asked for more
            String[] last = {null, null};
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(3)).until(() -> {
                String now = checkpointCursor() + " " + simulator.stats().eventsRequests();
                boolean still = now.equals(last[0]);
                last[0] = now;
                return still;
            });
            int receivedWhilePaused = receiver.messages().size();
            receiver.resume();
            await().atMost(WAIT).until(() -> newestCreatedAt().equals(checkpointCursor()));
            System.out.printf("[syslog] receiver paused after %d of %d messages: the poll held (cursor, Halo requests) %s%n",
                    receivedWhilePaused, halo.size(), last[0]);
            assertThat(checkpointCursor()).isNotEqualTo(last[0].split(" ")[0]);
        }
        Map<String, Long> idCounts = receiver.messages().stream()
                .collect(Collectors.groupingBy(m -> StrictCefParser.parse(m.text()).extension().get("externalId"), Collectors.counting()));
        assertThat(idCounts.keySet()).isEqualTo(halo.keySet());
        assertThat(idCounts.values()).as("every event once").allMatch(n -> n == 1);
    }
}
