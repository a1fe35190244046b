package io.haloconnector.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconnector.config.ConnectorProperty;
import io.haloconnector.config.ConnectorSettings;
import io.haloconnector.config.PropertyLookup;
import io.haloconnector.hec.HecSettings;
import io.haloconnector.halo.HaloEvent;
import io.haloconnector.hec.HecDeadLetters;
import io.haloconnector.hec.HecDelivery;
import io.haloconnector.hec.HecObserver;
import io.haloconnector.output.EventBatch;
import io.haloconnector.state.DurableFile;
import io.haloconnector.state.StateException;
import io.haloconnector.state.StateLockedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code dead-letters replay}: sends the events of {@code hec-dead-letter.jsonl} to HEC again
 * through the connector's own HEC output (the routes of output-hec.yaml, {@link HecDelivery}), a batch
 * of lines as one page.
 * <p>
 * The file is first renamed to {@value #REPLAYING}, so a running connector appends new dead
 * letters to a fresh file meanwhile, and an event HEC refuses again lands there (kept). Then, a
 * batch of {@code hec.batch.events} lines at a time: the batch is sent until HEC took it (acked with
 * hec.ack), and only then is {@value #REPLAYING} rewritten without those lines (temp file, fsync,
 * rename). A kill at any point loses no line and, run again, the replay resumes that file and
 * repeats at most the one batch sent but not yet removed.
 */
final class HecDeadLetterReplay {
    /** The dead letters a replay works through; left behind by a replay that was killed, and resumed by the next. */
    static final String REPLAYING = "hec-dead-letter.replaying.jsonl";
    private static final String LOCK = "hec-dead-letter.replay.lock";
    /** The longest wait between two tries of a batch during a replay. */
    private static final Duration REPLAY_MAX_DELAY = Duration.ofSeconds(2);
    /** Failed requests in a row after which the replay gives up: the file keeps what was not sent. */
    private static final int FAILURES_BEFORE_GIVING_UP = 3;
    /** The output routes' endpoint (routes/output-hec.yaml). */
    private static final String HALO_OUTPUT = "direct:halo-output";

    private HecDeadLetterReplay() {
    }

    static int run(CommandConfiguration configuration) {
        ConnectorSettings settings = configuration.settings();
        if (!"hec".equals(settings.output())) {
            throw new CommandLineException("dead-letters: replay sends through the HEC output, and halo.output is "
                    + settings.output() + ": set halo.output=hec and the hec.* settings to replay");
        }
        // an operator waits for this command: HEC's retries wait at most REPLAY_MAX_DELAY (the connector's up to
        // hec.retry.maxDelay, unattended), so a HEC that keeps refusing ends the replay within seconds
        PropertyLookup props = configuration.props();
        Duration configured = props.getDuration(ConnectorProperty.HEC_RETRY_MAX_DELAY);
        String retryMaxDelay = ConnectorProperty.HEC_RETRY_MAX_DELAY.property();
        HecSettings hec = HecSettings.from(configured.compareTo(REPLAY_MAX_DELAY) <= 0 ? props
                : name -> name.equals(retryMaxDelay) ? Optional.of(REPLAY_MAX_DELAY.toMillis() + "ms") : props.get(name));
        Path dir = settings.stateDir().toAbsolutePath().normalize();
        Path incoming = dir.resolve(HecDeadLetters.FILE_NAME);
        Path replaying = dir.resolve(REPLAYING);
        try (FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                throw new StateLockedException("another dead-letters replay runs on " + dir + ": wait for it to end");
            }
            if (!Files.exists(replaying)) {
                if (!Files.exists(incoming) || Files.size(incoming) == 0) {
                    System.out.println("No HEC dead letters to replay in " + incoming);
                    return HaloConnectorCommands.EXIT_OK;
                }
                // the connector's next dead letter starts a new file: this run sends only those there now
                HecDeadLetters.whileLocked(dir, () -> {
                    Files.move(incoming, replaying, StandardCopyOption.ATOMIC_MOVE);
                    syncFolder(dir);
                });
            }
            return replay(configuration, hec, dir, replaying, incoming);
        } catch (IOException e) {
            throw new StateException("cannot replay the dead letters in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int replay(CommandConfiguration configuration, HecSettings hec, Path dir, Path replaying, Path incoming)
            throws IOException {
        long total;
        try (Stream<String> lines = Files.lines(replaying, StandardCharsets.UTF_8)) {
            total = lines.filter(line -> !line.isBlank()).count();
        }
        ReplayObserver observer = new ReplayObserver();
        CamelContext context = configuration.context();
        HecDelivery delivery;
        try {
            delivery = HecDelivery.bind(context, hec, dir, observer);
            observer.delivery = delivery;
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, configuration.routeFile("output-hec.yaml")));
            context.start();
        } catch (Exception e) {
            throw new StateException("the HEC output cannot start: " + e.getMessage(), e);
        }
        // each batch as one page to the HEC output route, as the poll hands pages over
        ProducerTemplate pages = context.createProducerTemplate();
        DurableFile file = new DurableFile(replaying);
        long sent = 0;
        int unreadable = 0;
        int batchSize = hec.batchEvents();
        System.out.println("Replaying " + total + " HEC dead letters to " + ConnectorSettings.hostAndPort(hec.url())
                + ", " + batchSize + " a batch");
        try {
            for (Batch batch = Batch.first(replaying, batchSize); batch.bytes() > 0; batch = Batch.first(replaying, batchSize)) {
                StringBuilder unsendable = new StringBuilder();
                EventBatch events = new EventBatch();
                for (String line : batch.lines()) {
                    HaloEvent event = eventOf(line);
                    if (event == null) {
                        unsendable.append(line).append('\n');
                    } else {
                        events.add(event);
                    }
                }
                if (!events.isEmpty()) {
                    Exchange delivered = pages.send(HALO_OUTPUT, exchange -> exchange.getMessage().setBody(events));
                    if (delivered.getException() != null) {
                        throw delivered.getException();
                    }
                }
                if (!unsendable.isEmpty()) {
                    // a line cut short by a crash is not an event: kept where the user looks for dead letters
                    HecDeadLetters.whileLocked(dir, () ->
                            new DurableFile(incoming).append(unsendable.toString().getBytes(StandardCharsets.UTF_8)));
                    unreadable += (int) unsendable.chars().filter(c -> c == '\n').count();
                }
                sent += batch.lines().size();
                // only now that HEC took the batch do its lines leave the file: a kill before repeats this batch only
                file.dropHead(batch.bytes());
            }
        } catch (Exception e) {
            String why = observer.problem != null ? observer.problem : e.getMessage();
            throw new StateException("HEC did not take the dead letters (" + why + "): " + (sent - observer.refused)
                    + " of " + total + " delivered, the rest stay in " + replaying + "; run replay again once HEC takes events", e);
        } finally {
            delivery.close();
            try {
                pages.close();
            } catch (IOException e) {
                // nothing held: the context stops it with itself
            }
        }
        Files.delete(replaying);
        syncFolder(dir);
        int refused = observer.refused;
        System.out.println("Replayed " + total + " HEC dead letters: " + (total - refused - unreadable) + " delivered"
                + (refused > 0 ? ", " + refused + " refused again (kept in " + incoming + ")" : "")
                + (unreadable > 0 ? ", " + unreadable + " unreadable lines kept in " + incoming : ""));
        return HaloConnectorCommands.EXIT_OK;
    }

    /**
     * The first lines of the file (up to {@code size} that are not blank), and how many bytes they
     * take with their line feeds: read a batch at a time, so a large file is never held whole.
     */
    private record Batch(List<String> lines, long bytes) {
        static Batch first(Path file, int size) throws IOException {
            List<String> lines = new ArrayList<>();
            long bytes = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while (lines.size() < size && (b = in.read()) != -1) {
                    bytes++;
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    addUnlessBlank(lines, line);
                }
                if (lines.size() < size) {
                    addUnlessBlank(lines, line); // a last line without its line feed: cut short by a crash
                }
            }
            return new Batch(lines, bytes);
        }

        private static void addUnlessBlank(List<String> lines, ByteArrayOutputStream line) {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (!text.isBlank()) {
                lines.add(text);
            }
        }
    }

    /** The event of a dead-letter line, or null when the line holds none (cut short by a crash). */
    private static HaloEvent eventOf(String line) {
        JsonNode node = DeadLettersCommand.parse(line);
        if (node == null || !node.path("event").isObject()) {
            return null;
        }
        try {
            return HaloEvent.of(node.get("event"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void syncFolder(Path dir) throws IOException {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    /** Counts the events HEC refuses again, and stops the replay when HEC keeps failing. */
    private static final class ReplayObserver implements HecObserver {
        volatile HecDelivery delivery;
        volatile String problem;
        volatile int refused;
        private int failures;

        @Override
        public void deadLettered() {
            refused++;
        }

        @Override
        public void unavailable(String why) {
            if (why == null) {
                failures = 0;
                return;
            }
            problem = why;
            // the connector waits for HEC as long as it takes; an operator's command says why and ends
            if (++failures >= FAILURES_BEFORE_GIVING_UP && delivery != null) {
                delivery.close();
            }
        }
    }
}
