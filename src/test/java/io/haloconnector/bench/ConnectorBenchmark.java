package io.haloconnector.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end benchmark of the connector jar against its performance targets: for each case it
 * starts the Halo simulator, the HEC receiver and the connector as three processes on loopback, waits until the receiver has
 * accepted every event, reads the connector's CPU time and peak RSS from /proc, stops it with
 * SIGTERM and prints one Markdown table row. Run after {@code mvn -B -q -DskipTests package}:
 * {@code java -cp target/test-classes io.haloconnector.bench.ConnectorBenchmark [--scale 0.25]
 * [--cases 1,2,2-pinned8,3,4,5,6,7,sweep; 6-seed, 6-defaults or 7-8 for one row of 6 or 7] [--jar target/halo-connector.jar] [--jfr CASE] [--work DIR] [--jvm OPTIONS]
 * [--set name=value]...}.
 * Cases {@code syslog} and {@code kafka} (the other outputs, against syslog-ng and a Kafka broker of the test kit)
 * run only when named and need the test classpath: {@code java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt)}.
 * The connector is started by the launcher {@code bin/halo-connector}, so its JVM options are the shipped ones;
 * {@code --jvm} adds options after them (a later -Xmx or -XX wins); {@code --set} adds a connector property to
 * every case (e.g. {@code hec.gzip=false}). {@code --jfr CASE} records that case's three processes with JFR.
 * Linux only (it reads /proc).
 */
public final class ConnectorBenchmark {

    private static final String KEY = "bench-key";
    private static final String SECRET = "bench-secret";
    private static final String HEC_TOKEN = "bench-hec-token";
    private static final int DAYS = 60;
    private static final int LATENCY_MS = 50;
    private static final int REMOTE_HEC_LATENCY_MS = 30; // cases 6 and 7: Splunk Cloud, or an indexer in another data centre
    private static final int RATE_LIMIT = 20;
    private static final Pattern ACCEPTED = Pattern.compile("accepted=(\\d+)");
    private static final Pattern REQUESTS = Pattern.compile("events_requests=(\\d+)");
    private static final Pattern STATUS_429 = Pattern.compile("429=(\\d+)");
    /** The connector's line at stop (HaloAccount): pages in flight on average, pages committed, saves, ms a save. */
    private static final Pattern OUTPUT_FIGURES = Pattern.compile(
            "pages in flight ([0-9.]+) on average .*?; (\\d+) pages committed in (\\d+) saves, ([0-9.]+) ms a save");
    private static final Path LAUNCHER = Path.of("bin", "halo-connector");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux; /proc/<pid>/stat counts in these

    private final Path jar;
    private final Path work;
    private final String jfrCase;
    private final List<String> jvmOptions;
    private final Map<String, String> extraProps;

    private ConnectorBenchmark(Path jar, Path work, String jfrCase, List<String> jvmOptions, Map<String, String> extraProps) {
        this.jar = jar;
        this.work = work;
        this.jfrCase = jfrCase;
        this.jvmOptions = jvmOptions;
        this.extraProps = extraProps;
    }

    /** One configuration to measure: simulator and receiver options plus connector properties. */
    record Case(String id, String name, int events, int latencyMs, int hecLatencyMs, int rateLimit, Map<String, String> props) {

        Case(String id, String name, int events, int latencyMs, int rateLimit, Map<String, String> props) {
            this(id, name, events, latencyMs, 0, rateLimit, props);
        }
    }

    /** The output's figures the connector logs at stop: pages in flight on average, and the commit's saves. */
    record Commit(double averageInFlight, long pages, long saves, double millisPerSave) {
        static final Commit NONE = new Commit(Double.NaN, 0, 0, Double.NaN);

        double pagesPerSave() {
            return saves == 0 ? Double.NaN : pages / (double) saves;
        }

        /** Checkpoint-save time per page committed: what the commit of a page costs. */
        double millisPerPage() {
            return pages == 0 ? Double.NaN : millisPerSave * saves / pages;
        }
    }

    /** What one case measured; times in seconds from the connector's launch. */
    record Result(Case c, long events, boolean complete, double wall, double toFirst, double cpu, double cpuAtFirst,
                  long peakRssKb, double simCpu, double receiverCpu, long requests, long tooMany, String load, String threads,
                  String simThreads, String receiverThreads, Commit commit) {

        double rate() {
            return events / Math.max(1e-3, wall - toFirst);
        }

        double microsPerEvent() {
            return (cpu - cpuAtFirst) * 1e6 / Math.max(1, events);
        }

        /** The simulator's CPU per event over the whole case (it idles before the connector's first request). */
        double simMicrosPerEvent() {
            return simCpu * 1e6 / Math.max(1, events);
        }

        double receiverMicrosPerEvent() {
            return receiverCpu * 1e6 / Math.max(1, events);
        }
    }

    public static void main(String[] args) throws Exception {
        double scale = 1.0;
        String cases = "1,2,2-pinned8,3,4,5,6,7"; // all the targets in one run
        Path jar = Path.of("target", "halo-connector.jar");
        Path work = null;
        String jfr = null;
        List<String> jvm = List.of();
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--scale" -> scale = Double.parseDouble(value);
                case "--cases" -> cases = value;
                case "--jar" -> jar = Path.of(value);
                case "--work" -> work = Path.of(value);
                case "--jfr" -> jfr = value;
                case "--jvm" -> jvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                case "--set" -> {
                    int eq = value == null ? -1 : value.indexOf('=');
                    if (eq < 1) {
                        System.err.println("--set needs name=value, e.g. --set hec.gzip=false");
                        System.exit(2);
                    }
                    extra.put(value.substring(0, eq), value.substring(eq + 1));
                }
                default -> {
                    System.err.println("usage: ConnectorBenchmark [--scale 1.0] [--cases 1,2,2-pinned8,3,4,5,6,7,sweep,syslog,kafka]"
                            + " [--jar target/halo-connector.jar] [--jfr CASE-ID] [--work DIR] [--jvm '-Xmx256m ...']"
                            + " [--set name=value]...\n(cases 1 to 7 by default; syslog and kafka only when named, with"
                            + " java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt))");
                    System.exit(2);
                }
            }
            i++;
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("no " + jar + ": run mvn -B -q -DskipTests package first");
            System.exit(2);
        }
        if (work == null) {
            work = Files.createTempDirectory("halo-bench-");
        }
        ConnectorBenchmark bench = new ConnectorBenchmark(jar, work, jfr, jvm, extra);
        List<Case> plan = plan(scale, List.of(cases.split(",")));
        // the other outputs' receivers come from the test kit, with the broker's jars and JUnit
        if (plan.stream().anyMatch(c -> c.props().containsKey("halo.output"))
                && !onClasspath("org.apache.kafka.clients.consumer.KafkaConsumer")) {
            System.err.println("the syslog and kafka cases start their receivers from the test kit: run with"
                    + " java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt)");
            System.exit(2);
        }
        System.out.println(environment());
        System.out.printf("scale %.2f, %d days of events, simulator latency %d ms unless said, connector started by %s"
                + " with its JVM options%s%s, work %s%n%n", scale, DAYS, LATENCY_MS, LAUNCHER,
                jvm.isEmpty() ? "" : " then " + String.join(" ", jvm), extra.isEmpty() ? "" : ", in every case " + extra, work);
        System.out.println("| case | events | wall s | to 1st event s | events/s | CPU s | µs CPU/event | peak RSS MB"
                + " | sim CPU s | sim µs/event | receiver CPU s | receiver µs/event | requests | 429 | load 1m"
                + " | pages in flight avg | pages/save | ms/save | save ms/page |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        List<Result> results = new ArrayList<>();
        for (Case c : plan) {
            Result r = bench.run(c);
            results.add(r);
            System.out.println(row(r));
            System.out.flush();
        }
        System.out.println();
        System.out.println("Connector CPU s by thread, whole run (JIT = C1/C2 compiler threads, GC = collector threads,"
                + " main = start-up; ended = threads gone before the reading; under 0.1 s left out):");
        results.forEach(r -> System.out.println("- " + r.c().id() + ": " + r.threads()));
        System.out.println();
        System.out.println("Simulator and receiver CPU s by thread, whole process including start-up and the events' generation:");
        results.forEach(r -> System.out.println("- " + r.c().id() + ": simulator " + r.simThreads() + "; receiver " + r.receiverThreads()));
        System.out.println();
        System.out.println(targets(results));
    }

    static List<Case> plan(double scale, List<String> wanted) {
        int n200 = (int) Math.round(200_000 * scale);
        List<Case> plan = new ArrayList<>();
        if (wanted.contains("1")) {
            plan.add(new Case("1", "seed-like (perPage 100, concurrency 1)", n200, LATENCY_MS, 0,
                    Map.of("halo.perPage", "100", "halo.fetch.concurrency", "1")));
        }
        if (wanted.contains("2")) {
            plan.add(new Case("2", "defaults", n200, LATENCY_MS, 0, Map.of()));
        }
        if (wanted.contains("2-pinned8")) {
            // the defaults before the pages in flight adapted: 8 at once whatever HEC's round trip
            plan.add(new Case("2-pinned8", "defaults, hec.maxInFlight 8 pinned", n200, LATENCY_MS, 0,
                    Map.of("hec.adaptiveConcurrency", "false")));
        }
        if (wanted.contains("3")) {
            plan.add(new Case("3", "defaults, latency 0", n200, 0, 0, Map.of()));
        }
        if (wanted.contains("4")) {
            plan.add(new Case("4", "defaults, rate limit " + RATE_LIMIT + "/s", n200, LATENCY_MS, RATE_LIMIT, Map.of()));
        }
        if (wanted.contains("5")) {
            for (int size : new int[] {100_000, 200_000, 400_000}) {
                int n = (int) Math.round(size * scale);
                plan.add(new Case("5-" + size / 1000 + "k", "defaults, " + n + " events", n, LATENCY_MS, 0, Map.of()));
            }
        }
        if (wanted.contains("6") || wanted.contains("6-seed")) {
            // one request at a time on each side; hec.maxInFlight is named in cases 6 and 7 only
            plan.add(new Case("6-seed", "remote Splunk, seed-like (perPage 100, one request at a time each side)", n200,
                    LATENCY_MS, REMOTE_HEC_LATENCY_MS, 0,
                    Map.of("halo.perPage", "100", "halo.fetch.concurrency", "1", "hec.maxInFlight", "1")));
        }
        if (wanted.contains("6") || wanted.contains("6-defaults")) {
            plan.add(new Case("6-defaults", "remote Splunk, defaults", n200, LATENCY_MS, REMOTE_HEC_LATENCY_MS, 0, Map.of()));
        }
        for (int inFlight : new int[] {1, 2, 4, 8}) {
            if (wanted.contains("7") || wanted.contains("7-" + inFlight)) {
                plan.add(new Case("7-" + inFlight, "remote Splunk, hec.maxInFlight " + inFlight + " pinned", n200, LATENCY_MS,
                        REMOTE_HEC_LATENCY_MS, 0, Map.of("hec.maxInFlight", Integer.toString(inFlight),
                        "hec.adaptiveConcurrency", "false")));
            }
        }
        // the other outputs, only when named: the default run stays the HEC targets. No simulator latency, as
        // case 3: the output's own cost shows
        if (wanted.contains("syslog")) {
            plan.add(new Case("syslog", "syslog-ng over TCP, cef, latency 0", n200, 0, 0,
                    Map.of("halo.output", "syslog", "syslog.format", "cef")));
        }
        if (wanted.contains("kafka")) {
            plan.add(new Case("kafka", "Kafka, one KRaft broker, acks=all, latency 0", n200, 0, 0, Map.of("halo.output", "kafka")));
        }
        if (wanted.contains("sweep")) {
            for (int concurrency : new int[] {1, 2, 4, 8, 16}) {
                plan.add(new Case("c" + concurrency, "defaults, halo.fetch.concurrency " + concurrency, n200, LATENCY_MS, 0,
                        Map.of("halo.fetch.concurrency", Integer.toString(concurrency))));
            }
        }
        return plan;
    }

    private Result run(Case c) throws Exception {
        Path dir = Files.createDirectories(work.resolve("case-" + c.id()));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process simulator = null;
        Process receiver = null;
        Process connector = null;
        String output = c.props().getOrDefault("halo.output", "hec");
        OutputReceiver other = null; // syslog-ng or the Kafka broker, instead of the HEC receiver
        try {
            boolean jfr = c.id().equals(jfrCase);
            simulator = new ProcessBuilder(javaCommand(java, jfr, dir.resolve("simulator.jfr"), "-cp", jar.toAbsolutePath().toString(),
                    "io.haloconnector.simulator.SimulatorMain", "--port", "0", "--events", Integer.toString(c.events()),
                    "--days", Integer.toString(DAYS), "--seed", "1", "--latency-ms", Integer.toString(c.latencyMs()),
                    "--rate-limit", Integer.toString(c.rateLimit()), "--key", KEY, "--secret", SECRET))
                    .redirectError(dir.resolve("simulator.err").toFile()).start();
            String haloUrl = listeningUrl(simulator.getInputStream(), "halo-simulator listening on ", Duration.ofMinutes(3));
            AtomicLong accepted = new AtomicLong();
            AtomicLong firstAt = new AtomicLong();
            String hecUrl = null;
            long receiverPid;
            if (output.equals("hec")) {
                // the receiver is a test kit class: our own classpath has it, the jar has its Jackson
                String receiverClasspath = System.getProperty("java.class.path") + File.pathSeparator + jar.toAbsolutePath();
                receiver = new ProcessBuilder(javaCommand(java, jfr, dir.resolve("receiver.jfr"), "-cp", receiverClasspath,
                        "io.haloconnector.testkit.hec.HecReceiverMain", "--token", HEC_TOKEN, "--port", "0",
                        "--stats-interval-ms", "50", "--latency-ms", Integer.toString(c.hecLatencyMs()))).start();
                hecUrl = listeningUrl(receiver.getInputStream(), "hec-receiver listening on ", Duration.ofMinutes(1));
                watchAccepted(receiver.getErrorStream(), accepted, firstAt, dir.resolve("receiver.err"));
                receiverPid = receiver.pid();
            } else {
                other = OutputReceiver.start(output, dir.resolve(output));
                receiverPid = other.pid();
            }

            Map<String, String> props = new LinkedHashMap<>();
            props.put("halo.api.url", haloUrl);
            props.put("halo.api.key", KEY);
            props.put("halo.api.secret", SECRET);
            props.put("halo.start", Instant.now().minus(Duration.ofDays(DAYS + 1)).toString());
            if (other == null) {
                props.put("halo.output", "hec");
                props.put("hec.url", hecUrl);
                props.put("hec.token", HEC_TOKEN);
            } else {
                props.putAll(other.properties());
            }
            props.put("halo.state.dir", dir.resolve("state").toAbsolutePath().toString());
            props.put("halo.poll.cron", "* * * * * ?");
            props.put("halo.poll.lag", "0s");
            props.put("camel.management.enabled", "false");
            props.putAll(extraProps);
            props.putAll(c.props());
            // the launcher as shipped, with its JVM options; ours (-X..., after its own) win
            List<String> command = new ArrayList<>(List.of(LAUNCHER.toAbsolutePath().toString()));
            command.addAll(jvmOptions);
            if (jfr) {
                command.add(flightRecording(dir.resolve("connector.jfr")));
            }
            props.forEach((name, value) -> command.add("-D" + name + "=" + value));

            long simCpuBefore = cpuTicks(simulator.pid());
            long receiverCpuBefore = cpuTicks(receiverPid);
            long launched = System.nanoTime();
            // its own folder as working directory: no ./routes or ./application.properties of ours
            ProcessBuilder launch = new ProcessBuilder(command).directory(dir.toFile());
            launch.environment().put("JAVA", java.toString());
            launch.environment().put("HALO_CONNECTOR_JAR", jar.toAbsolutePath().toString());
            launch.environment().remove("HALO_JAVA_OPTS");
            connector = launch
                    .redirectOutput(dir.resolve("connector.out").toFile())
                    .redirectError(dir.resolve("connector.err").toFile()).start();

            long deadline = launched + TimeUnit.SECONDS.toNanos(60 + c.events() / 500);
            long cpuAtFirst = -1;
            for (int round = 0; accepted.get() < c.events() && System.nanoTime() < deadline && connector.isAlive(); round++) {
                if (other != null && round % 5 == 0) { // every 100 ms: each count of the topic is a request to the broker
                    long held = other.count();
                    if (held > 0) {
                        firstAt.compareAndSet(0, System.nanoTime());
                    }
                    accepted.set(held);
                }
                if (cpuAtFirst < 0 && accepted.get() > 0) {
                    cpuAtFirst = cpuTicks(connector.pid());
                }
                Thread.sleep(20);
            }
            long done = System.nanoTime();
            boolean complete = accepted.get() >= c.events();
            long cpu = connector.isAlive() ? cpuTicks(connector.pid()) : -1; // just before stopping
            long hwm = connector.isAlive() ? peakRssKb(connector.pid()) : -1;
            String threads = connector.isAlive() ? threadCpu(connector.pid(), cpu) : "";
            long simCpu = cpuTicks(simulator.pid()) - simCpuBefore;
            long receiverCpu = cpuTicks(receiverPid) - receiverCpuBefore;
            String simThreads = threadCpu(simulator.pid(), cpuTicks(simulator.pid()));
            String receiverThreads = threadCpu(receiverPid, cpuTicks(receiverPid));
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            stop(connector, Duration.ofSeconds(30));
            Commit commit = outputFigures(dir.resolve("connector.err"), dir.resolve("connector.out"));
            stop(simulator, Duration.ofSeconds(10));
            String simStats = lastLine(dir.resolve("simulator.err"), "halo-simulator stats: ");
            long requests = find(REQUESTS, simStats);
            long tooMany = find(STATUS_429, simStats);
            long first = firstAt.get() == 0 ? done : firstAt.get();
            return new Result(c, accepted.get(), complete, (done - launched) / 1e9, Math.max(0, first - launched) / 1e9,
                    cpu / (double) CLOCK_TICKS, Math.max(0, cpuAtFirst) / (double) CLOCK_TICKS, hwm,
                    simCpu / (double) CLOCK_TICKS, receiverCpu / (double) CLOCK_TICKS, requests, tooMany, load, threads,
                    simThreads, receiverThreads, commit);
        } finally {
            for (Process p : new Process[] {connector, simulator, receiver}) {
                if (p != null && p.isAlive()) {
                    stop(p, Duration.ofSeconds(10));
                }
            }
            if (other != null) {
                other.close();
            }
        }
    }

    /**
     * The java command for the simulator or the receiver, recorded by JFR when asked. They run with the
     * connector's compiler and collector: with the JVM's defaults C2 compiling cost them 3 to 5 times the
     * CPU of their own work, and the three processes share the same 2 cores.
     */
    private static List<String> javaCommand(Path java, boolean jfr, Path recording, String... args) {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (jfr) {
            command.add(flightRecording(recording));
        }
        command.addAll(List.of(args));
        return command;
    }

    private static String flightRecording(Path file) {
        return "-XX:StartFlightRecording=duration=900s,filename=" + file.toAbsolutePath() + ",settings=profile";
    }

    /** Reads the child's stdout until its "listening on" line; the rest is drained and dropped. */
    private static String listeningUrl(InputStream stdout, String prefix, Duration timeout) throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith(prefix)) {
                        url.complete(line.substring(prefix.length()).trim());
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("no '" + prefix + "' line"));
        }, "bench-stdout");
        reader.setDaemon(true);
        reader.start();
        return url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Follows the receiver's stderr counts: the latest accepted count and when the first event arrived. */
    private static void watchAccepted(InputStream stderr, AtomicLong accepted, AtomicLong firstAt, Path copy) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(copy)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.write(line);
                    out.newLine();
                    Matcher m = ACCEPTED.matcher(line);
                    if (m.find()) {
                        long n = Long.parseLong(m.group(1));
                        if (n > 0) {
                            firstAt.compareAndSet(0, System.nanoTime());
                        }
                        accepted.set(n);
                    }
                }
            } catch (IOException e) {
                // the receiver is gone; the main loop's deadline ends the case
            }
        }, "bench-receiver-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** The connector's figures line at stop, from its log files; NONE when it wrote none. */
    private static Commit outputFigures(Path... logs) throws IOException {
        Commit found = Commit.NONE;
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            Matcher m = OUTPUT_FIGURES.matcher(Files.readString(log));
            while (m.find()) {
                found = new Commit(Double.parseDouble(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Double.parseDouble(m.group(4)));
            }
        }
        return found;
    }

    /** user + system CPU of a process in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // the name may hold spaces
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The process's CPU split by thread kind, read from /proc/PID/task/TID/{comm,stat}: where the time goes
     * without a profiler (the JIT compiler and the collector are invisible to JFR's execution samples).
     */
    static String threadCpu(long pid, long processTicks) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String kind : List.of("route", "fetch", "hec request", "JIT", "GC", "main")) {
            ticks.put(kind, 0L);
        }
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long t = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    sum += t;
                    ticks.merge(threadKind(name), t, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return "unreadable";
        }
        ticks.put("ended", Math.max(0, processTicks - sum));
        StringBuilder out = new StringBuilder();
        ticks.forEach((kind, t) -> {
            if (t >= CLOCK_TICKS / 10) { // threads under 0.1 s are left out
                out.append(out.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", kind, t / (double) CLOCK_TICKS));
            }
        });
        return out.toString();
    }

    private static String threadKind(String name) {
        if (name.startsWith("Camel (")) {
            return "route"; // Camel's threads; the seda consumer runs the poll route: split, dedup, output, commit
        } else if (name.startsWith("halo-fetch")) {
            return "fetch"; // page requests through camel-http, and the page parse
        } else if (name.contains("CompilerThre")) {
            return "JIT";
        } else if (name.equals("java")) {
            return "main"; // the launcher thread: start-up
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
            return "GC";
        }
        return name.replaceAll("\\d+", "#"); // e.g. main (start-up), JFR's, Camel's own
    }

    /** VmHWM of a process in kB, -1 when unreadable. */
    static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** SIGTERM, then SIGKILL after the grace period. */
    private static void stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String lastLine(Path file, String prefix) throws IOException {
        String found = "";
        for (String line : Files.readAllLines(file)) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                found = line.substring(at + prefix.length());
            }
        }
        return found;
    }

    private static long find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String row(Result r) {
        String share = r.requests() == 0 ? "-" : String.format(Locale.ROOT, "%d (%.1f%%)", r.tooMany(),
                100.0 * r.tooMany() / r.requests());
        return String.format(Locale.ROOT, "| %s %s | %,d%s | %.1f | %.1f | %,.0f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %.1f | %d | %s | %s"
                        + " | %.2f | %.2f | %.2f | %.2f |",
                r.c().id(), r.c().name(), r.events(), r.complete() ? "" : " (INCOMPLETE)", r.wall(), r.toFirst(), r.rate(),
                r.cpu(), r.microsPerEvent(), r.peakRssKb() / 1024, r.simCpu(), r.simMicrosPerEvent(), r.receiverCpu(),
                r.receiverMicrosPerEvent(), r.requests(), share, r.load(), r.commit().averageInFlight(),
                r.commit().pagesPerSave(), r.commit().millisPerSave(), r.commit().millisPerPage());
    }

    /** The performance targets (rate, CPU per event, 429 share, scaling, RSS), each met or not, for the cases run. */
    static String targets(List<Result> results) {
        Map<String, Result> byId = new LinkedHashMap<>();
        results.forEach(r -> byId.put(r.c().id(), r));
        StringBuilder out = new StringBuilder("Targets:\n");
        Result one = byId.get("1");
        Result two = byId.get("2");
        if (one != null && two != null) {
            double ratio = two.rate() / one.rate();
            out.append(String.format(Locale.ROOT, "- case 2 >= 25x case 1 events/s: %.1fx, %s%n", ratio, met(ratio >= 25)));
        }
        Result seedRemote = byId.get("6-seed");
        Result defaultsRemote = byId.get("6-defaults");
        if (seedRemote != null && defaultsRemote != null) {
            double ratio = defaultsRemote.rate() / seedRemote.rate();
            out.append(String.format(Locale.ROOT, "- case 6 defaults >= 40x case 6 seed-like events/s: %,.0f / %,.0f = %.1fx"
                            + " (%.2f pages in flight on average), %s%n",
                    defaultsRemote.rate(), seedRemote.rate(), ratio, defaultsRemote.commit().averageInFlight(), met(ratio >= 40)));
        }
        Result pinned = byId.get("2-pinned8");
        if (two != null && pinned != null) {
            double ratio = two.rate() / pinned.rate();
            out.append(String.format(Locale.ROOT, "- case 2 (adaptive) within 10%% of hec.maxInFlight 8 pinned: %,.0f / %,.0f ="
                            + " %.2f, %.2f against %.2f pages in flight on average, %s%n", two.rate(), pinned.rate(), ratio,
                    two.commit().averageInFlight(), pinned.commit().averageInFlight(), met(ratio >= 0.9)));
        }
        Result three = byId.get("3");
        if (three != null) {
            out.append(String.format(Locale.ROOT, "- case 3 <= 15 µs CPU/event: %.1f µs (after the first event; %.1f µs with"
                    + " JVM start), %s%n", three.microsPerEvent(), three.cpu() * 1e6 / Math.max(1, three.events()),
                    met(three.microsPerEvent() <= 15)));
        }
        Result four = byId.get("4");
        if (four != null) {
            double bound = RATE_LIMIT * 500.0;
            double share = four.requests() == 0 ? 0 : (double) four.tooMany() / four.requests();
            out.append(String.format(Locale.ROOT, "- case 4 >= 80%% of %,.0f events/s with < 5%% 429: %.0f%% of the bound,"
                    + " %.1f%% 429, %s%n", bound, 100 * four.rate() / bound, 100 * share,
                    met(four.rate() >= 0.8 * bound && share < 0.05)));
        }
        Result k200 = byId.get("5-200k");
        Result k400 = byId.get("5-400k");
        if (k200 != null && k400 != null) {
            double ratio = k400.wall() / k200.wall();
            double delivering = (k400.wall() - k400.toFirst()) / (k200.wall() - k200.toFirst());
            out.append(String.format(Locale.ROOT, "- case 5 400k <= 2.2x the time of 200k: %.2fx wall (%.2fx after the"
                    + " first event), %s%n", ratio, delivering, met(delivering <= 2.2)));
        }
        if (two != null) {
            out.append(String.format(Locale.ROOT, "- peak RSS < 300 MB at defaults: %d MB, %s%n", two.peakRssKb() / 1024,
                    met(two.peakRssKb() < 300 * 1024)));
        }
        return out.toString();
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, ConnectorBenchmark.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }

    private static String environment() {
        String model = "?";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            // not Linux
        }
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            load = "?";
        }
        return String.format("machine: %d cores, %s, Java %s (%s), load average at start %s",
                Runtime.getRuntime().availableProcessors(), model, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), load);
    }
}
