package io.haloconnector.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconnector.simulator.HaloSimulator;
import io.haloconnector.simulator.SimulatorConfig;
import io.haloconnector.testkit.splunkd.SplunkdStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The modular input as splunkd drives it: {@code --scheme}, {@code --validate-arguments}, and runs
 * fed the {@code <input>} XML splunkd sends, against the Halo simulator and a stand-in for splunkd's
 * REST API (Splunk cannot run here), built from Splunk's published response formats.
 */
class ModularInputTest {
    private static final String SESSION_KEY = "session-key-Zq81x";
    private static final String INPUT = "prod halo";

    @TempDir
    Path work;

    private SplunkdStandIn splunkd;

    @BeforeEach
    void startSplunkd() throws IOException {
        splunkd = SplunkdStandIn.start(SplunkPasswords.APP, "cloudpassage_halo", Set.of("api_key", "start", "api_hostname"), SESSION_KEY);
    }

    @AfterEach
    void stopSplunkd() {
        splunkd.close();
    }

    @Test
    void schemeDeclaresTheInputAndItsArguments() throws Exception {
        Result result = inProcess(new String[] {"--scheme"}, "");
        assertThat(result.code).isZero();
        Element scheme = parse(result.out).getDocumentElement();
        assertThat(scheme.getTagName()).isEqualTo("scheme");
        assertThat(child(scheme, "title")).isEqualTo("CloudPassage Halo");
        assertThat(child(scheme, "description")).isNotBlank();
        assertThat(child(scheme, "use_external_validation")).isEqualTo("true");
        assertThat(child(scheme, "streaming_mode")).isEqualTo("xml");
        assertThat(scheme.getElementsByTagName("endpoint").getLength()).isEqualTo(1);
        NodeList args = scheme.getElementsByTagName("arg");
        Map<String, Element> byName = new HashMap<>();
        for (int i = 0; i < args.getLength(); i++) {
            Element arg = (Element) args.item(i);
            byName.put(arg.getAttribute("name"), arg);
            assertThat(child(arg, "title")).isNotBlank();
            assertThat(child(arg, "description")).isNotBlank();
        }
        // the secret is no argument: it lives in Splunk's password storage
        assertThat(byName).containsOnlyKeys("api_key", "start", "api_hostname");
        assertThat(child(byName.get("api_key"), "required_on_create")).isEqualTo("true");
        assertThat(child(byName.get("start"), "required_on_create")).isEqualTo("false");
        assertThat(child(byName.get("api_hostname"), "required_on_create")).isEqualTo("false");
        assertThat(child(byName.get("api_hostname"), "description")).contains("api.cloudpassage.com");
    }

    @Test
    void validationAcceptsGoodItemsAndRefusesABadStartOrHostname() throws Exception {
        Result good = inProcess(new String[] {"--validate-arguments"},
                items(Map.of("api_key", "k1", "start", "2026-09-01T10:00:00Z", "api_hostname", "api.cloudpassage.com")));
        assertThat(good.code).isZero();
        assertThat(good.out).isEmpty();
        assertThat(inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", "k1", "start", "2026-09-01"))).code).isZero();

        Result badStart = inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", "k1", "start", "yesterday")));
        assertThat(badStart.code).isNotZero();
        assertThat(errorMessage(badStart.out)).contains("start=yesterday").contains("ISO-8601");

        Result badHost = inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", "k1", "api_hostname", "api cloud/passage")));
        assertThat(badHost.code).isNotZero();
        assertThat(errorMessage(badHost.out)).contains("api_hostname=api cloud/passage").contains("api.cloudpassage.com");
    }

    @Test
    void validationAsksHaloWhetherTheKeyAndTheStoredSecretAreGood() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().build())) {
            String url = halo.baseUrl().toString();
            // no secret stored yet: nothing to check, the input may be saved
            assertThat(inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", halo.apiKey(), "api_hostname", url))).code).isZero();
            assertThat(halo.stats().tokenRequests()).isZero();

            splunkd.storePassword(SplunkPasswords.APP, INPUT, halo.apiSecret());
            Result good = inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", halo.apiKey(), "api_hostname", url)));
            assertThat(good.code).isZero();
            assertThat(good.out).isEmpty();
            assertThat(halo.stats().tokenRequests()).isEqualTo(1);

            Result refused = inProcess(new String[] {"--validate-arguments"}, items(Map.of("api_key", "not-the-key", "api_hostname", url)));
            assertThat(refused.code).isNotZero();
            assertThat(errorMessage(refused.out)).contains("refused API key not-the-key").contains("password storage")
                    .doesNotContain(halo.apiSecret());
        }
    }

    @Test
    void aRunStreamsEachEventOnceAndTheNextRunOnlyNewOnes() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().apiSecret("halo-secret-Kp29").build())) {
            Instant now = Instant.now();
            Instant start = now.minus(3, ChronoUnit.HOURS);
            halo.events().generate(7, start, now.minus(2, ChronoUnit.HOURS), 1_200);
            splunkd.storePassword(SplunkPasswords.APP, INPUT, halo.apiSecret());
            Path checkpoints = work.resolve("modinputs");

            Run first = runInput(halo, start, checkpoints);
            assertThat(first.code).as(first.err).isZero();
            List<Element> events = streamedEvents(first.out);
            assertDeliveredOnce(events, halo.events().all().stream().map(e -> e.get("id").asText()).toList());
            Path checkpoint = checkpoints.resolve("prod+halo").resolve("checkpoint.json");
            assertThat(checkpoint).exists();
            assertNoSecretIn(first, halo);

            Set<String> before = new HashSet<>(halo.events().all().stream().map(e -> e.get("id").asText()).toList());
            halo.events().generate(8, now.minus(2, ChronoUnit.HOURS), now.minus(1, ChronoUnit.HOURS), 300);
            List<String> added = halo.events().all().stream().map(e -> e.get("id").asText()).filter(id -> !before.contains(id)).toList();
            Run second = runInput(halo, start, checkpoints);
            assertThat(second.code).as(second.err).isZero();
            assertDeliveredOnce(streamedEvents(second.out), added);
            assertNoSecretIn(second, halo);
            assertThat(splunkd.badAuthorizations()).isEmpty();
        }
    }

    /**
     * A run of its own (stdout to out.xml), once it has streamed its first event: one page at a time,
     * 150 ms each, so a signal lands while pages are still to come.
     */
    private Process startedUntilItsFirstEvent(HaloSimulator halo, Instant start, Path checkpoints) throws Exception {
        Process run = startInput(halo, start, checkpoints, "-Dhalo.fetch.concurrency=1");
        Path out = work.resolve("out.xml");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("</event>"));
        return run;
    }

    @Test
    void aRunKilledPartWayIsFollowedByOneThatRepeatsAtMostOnePage() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(150)).build())) {
            Instant now = Instant.now();
            Instant start = now.minus(3, ChronoUnit.HOURS);
            halo.events().generate(9, start, now.minus(1, ChronoUnit.HOURS), 3_000);
            splunkd.storePassword(SplunkPasswords.APP, INPUT, halo.apiSecret());
            Path checkpoints = work.resolve("modinputs");

            Process killed = startedUntilItsFirstEvent(halo, start, checkpoints);
            Path out = work.resolve("out.xml");
            killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String partial = Files.readString(out);
            assertThat(partial).as("killed before the run ended").doesNotContain("</stream>");
            // Splunk keeps the events it read whole; a page cut mid-write is written again by the next run
            List<Element> before = streamedEvents(partial.substring(0, partial.lastIndexOf("</event>") + "</event>".length()) + "</stream>");

            Run rerun = runInput(halo, start, checkpoints);
            assertThat(rerun.code).as(rerun.err).isZero();
            List<String> ids = new ArrayList<>();
            for (Element event : before) {
                ids.add(new ObjectMapper().readTree(child(event, "data")).get("id").asText());
            }
            List<Element> after = streamedEvents(rerun.out);
            for (Element event : after) {
                ids.add(new ObjectMapper().readTree(child(event, "data")).get("id").asText());
            }
            assertThat(new HashSet<>(ids)).containsExactlyInAnyOrderElementsOf(halo.events().all().stream().map(e -> e.get("id").asText()).toList());
            int repeated = ids.size() - new HashSet<>(ids).size();
            System.out.printf("killed after %d events; the rerun delivered %d, %d of them again%n", before.size(), after.size(), repeated);
            assertThat(repeated).as("repeats after kill -9").isLessThanOrEqualTo(500);
        }
    }

    @Test
    void sigtermEndsTheStreamAtAPageBoundaryAndTheNextRunGoesOn() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(150)).build())) {
            Instant now = Instant.now();
            Instant start = now.minus(3, ChronoUnit.HOURS);
            halo.events().generate(10, start, now.minus(1, ChronoUnit.HOURS), 3_000);
            splunkd.storePassword(SplunkPasswords.APP, INPUT, halo.apiSecret());
            Path checkpoints = work.resolve("modinputs");

            Process stopped = startedUntilItsFirstEvent(halo, start, checkpoints);
            Path out = work.resolve("out.xml");
            stopped.destroy();
            assertThat(stopped.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(stopped.exitValue()).isZero();
            // one whole document, every page in it committed
            List<Element> before = streamedEvents(Files.readString(out));
            assertThat(before).as("stopped part way").hasSizeLessThan(3_000);

            Run rerun = runInput(halo, start, checkpoints);
            assertThat(rerun.code).as(rerun.err).isZero();
            List<Element> all = new ArrayList<>(before);
            all.addAll(streamedEvents(rerun.out));
            assertDeliveredOnce(all, halo.events().all().stream().map(e -> e.get("id").asText()).toList());
        }
    }

    @Test
    void aRunReadsTheSecretTheSetupPageStoredWhichSplunkdsValidationAlreadyUsed() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().apiSecret("halo-secret-Mf63").build())) {
            Instant now = Instant.now();
            Instant start = now.minus(3, ChronoUnit.HOURS);
            halo.events().generate(11, start, now.minus(2, ChronoUnit.HOURS), 700);
            // splunkd runs the scheme's --validate-arguments on each save of the input (use_external_validation)
            splunkd.validatingInputsWith(items -> {
                try {
                    Result result = inProcess(new String[] {"--validate-arguments"}, items);
                    return new SplunkdStandIn.Validation(result.code, result.out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Map<String, String> form = new LinkedHashMap<>(stanza(halo, start));
            form.put("name", INPUT);
            form.put("secret", halo.apiSecret());

            JsonNode saved = SetupPageScript.save(splunkd, form);
            assertThat(saved.get("saved").asBoolean()).as(saved.toString()).isTrue();
            // the page stored the secret first, so the validation of the new input asked Halo with it
            assertThat(halo.stats().tokenRequests()).isEqualTo(1);

            Run run = runInput(splunkd.inputs().get(INPUT), work.resolve("modinputs"));
            assertThat(run.code).as(run.err).isZero();
            assertDeliveredOnce(streamedEvents(run.out), halo.events().all().stream().map(e -> e.get("id").asText()).toList());
            assertNoSecretIn(run, halo);
            assertThat(splunkd.badAuthorizations()).isEmpty();
        }
    }

    @Test
    void aMissingSecretIsOneLineAndNoRun() throws Exception {
        try (HaloSimulator halo = HaloSimulator.start(SimulatorConfig.builder().build())) {
            Path checkpoints = work.resolve("modinputs");
            Run run = runInput(halo, Instant.now().minus(1, ChronoUnit.HOURS), checkpoints);
            assertThat(run.code).isNotZero();
            assertThat(run.err.strip().lines()).hasSize(1);
            assertThat(run.err).contains("no API secret in Splunk's password storage").contains("user " + INPUT);
            assertThat(run.out).isEmpty();
            assertThat(halo.stats().toString()).doesNotContain(SESSION_KEY);
            assertThat(checkpoints).doesNotExist();
        }
    }

    private void assertDeliveredOnce(List<Element> events, List<String> expectedIds) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> ids = new ArrayList<>();
        for (Element event : events) {
            assertThat(event.getAttribute("stanza")).isEqualTo("cloudpassage_halo://" + INPUT);
            assertThat(child(event, "sourcetype")).isEqualTo("cp_halo");
            JsonNode data = json.readTree(child(event, "data"));
            ids.add(data.get("id").asText());
            Instant created = Instant.parse(data.get("created_at").asText());
            assertThat(child(event, "time")).isEqualTo(created.getEpochSecond() + "." + String.format("%03d", created.getNano() / 1_000_000));
        }
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedIds);
    }

    private void assertNoSecretIn(Run run, HaloSimulator halo) {
        assertThat(run.err).doesNotContain(halo.apiSecret()).doesNotContain(SESSION_KEY);
        assertThat(run.out).doesNotContain(halo.apiSecret()).doesNotContain(SESSION_KEY);
    }

    private record Run(int code, String out, String err) {
    }

    private record Result(int code, String out) {
    }

    private Run runInput(HaloSimulator halo, Instant start, Path checkpoints) throws Exception {
        return runInput(stanza(halo, start), checkpoints);
    }

    private Run runInput(Map<String, String> stanza, Path checkpoints) throws Exception {
        Process process = startInput(stanza, checkpoints);
        Path out = work.resolve("out.xml");
        Path err = work.resolve("err.txt");
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the run did not end within 60 s: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The parameters of input {@value #INPUT} as inputs.conf holds them, reading the simulator from {@code start}. */
    private static Map<String, String> stanza(HaloSimulator halo, Instant start) {
        Map<String, String> stanza = new LinkedHashMap<>();
        stanza.put("api_key", halo.apiKey());
        stanza.put("start", start.toString());
        stanza.put("api_hostname", halo.baseUrl().toString());
        stanza.put("interval", "60");
        stanza.put("index", "cloudpassage");
        stanza.put("sourcetype", "cp_halo");
        return stanza;
    }

    private Process startInput(HaloSimulator halo, Instant start, Path checkpoints, String... jvmOptions) throws Exception {
        return startInput(stanza(halo, start), checkpoints, jvmOptions);
    }

    /** The input as splunkd starts it: the input XML on stdin, stdout and stderr to out.xml and err.txt. */
    private Process startInput(Map<String, String> stanza, Path checkpoints, String... jvmOptions) throws Exception {
        StringBuilder params = new StringBuilder();
        stanza.forEach((name, value) -> params.append("      <param name=\"").append(name).append("\">")
                .append(value.replace("&", "&amp;").replace("<", "&lt;")).append("</param>\n"));
        String input = """
                <input>
                  <server_host>splunk-test</server_host>
                  <server_uri>%s</server_uri>
                  <session_key>%s</session_key>
                  <checkpoint_dir>%s</checkpoint_dir>
                  <configuration>
                    <stanza name="cloudpassage_halo://%s">
                %s    </stanza>
                  </configuration>
                </input>
                """.formatted(splunkd.uri(), SESSION_KEY, checkpoints, INPUT, params);
        Path stdin = work.resolve("input.xml");
        Files.writeString(stdin, input);
        Path out = work.resolve("out.xml");
        Path err = work.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(jvmOptions));
        command.add(ModularInput.class.getName());
        return new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectInput(stdin.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    private static Result inProcess(String[] args, String stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ModularInput.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8));
    }

    /** What splunkd sends to --validate-arguments for the input {@value #INPUT}. */
    private String items(Map<String, String> params) {
        StringBuilder xml = new StringBuilder("""
                <items>
                  <server_host>splunk-test</server_host>
                  <server_uri>%s</server_uri>
                  <session_key>%s</session_key>
                  <checkpoint_dir>/opt/splunk/var/lib/splunk/modinputs/cloudpassage_halo</checkpoint_dir>
                  <item name="%s">
                """.formatted(splunkd.uri(), SESSION_KEY, INPUT));
        params.forEach((name, value) -> xml.append("    <param name=\"").append(name).append("\">").append(value).append("</param>\n"));
        return xml.append("  </item>\n</items>\n").toString();
    }

    private static String errorMessage(String out) throws Exception {
        Element error = parse(out).getDocumentElement();
        assertThat(error.getTagName()).isEqualTo("error");
        return child(error, "message");
    }

    private static List<Element> streamedEvents(String out) throws Exception {
        Element stream = parse(out).getDocumentElement();
        assertThat(stream.getTagName()).isEqualTo("stream");
        NodeList nodes = stream.getChildNodes();
        List<Element> events = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element event) {
                assertThat(event.getTagName()).isEqualTo("event");
                events.add(event);
            }
        }
        return events;
    }

    /** A strict parse: a document that is not well-formed fails the test. */
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The text of the one direct child {@code tag} of {@code parent}. */
    private static String child(Element parent, String tag) {
        List<String> texts = new ArrayList<>();
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                texts.add(element.getTextContent());
            }
        }
        assertThat(texts).as("<%s> in <%s>", tag, parent.getTagName()).hasSize(1);
        return texts.get(0);
    }
}
