package io.haloconnector.testkit.hec;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link HecReceiver} as a process for benchmarks:
 * {@code --port N} (default 8088), {@code --token T} (required), {@code --ack} (useACK on),
 * {@code --stats-interval-ms N} (default 5000), {@code --latency-ms N} (each event POST answered N ms
 * late, as a Splunk in another data centre; default 0).
 * Prints {@code hec-receiver listening on URL} to stdout, then its counts to stderr every interval
 * when they changed and once more on exit.
 */
public final class HecReceiverMain {

    private HecReceiverMain() {
    }

    public static void main(String[] args) throws Exception {
        HecReceiverConfig.Builder config = HecReceiverConfig.builder().port(8088).retainEnvelopes(false);
        long intervalMillis = 5_000;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> config.port(Integer.parseInt(value(args, ++i, "--port")));
                    case "--token" -> config.token(value(args, ++i, "--token"));
                    case "--ack" -> config.ackEnabled(true);
                    // the benchmark watches the counts to time a run, so it wants them often
                    case "--stats-interval-ms" -> intervalMillis = Math.max(10, Long.parseLong(value(args, ++i, "--stats-interval-ms")));
                    case "--latency-ms" -> config.answerDelay(java.time.Duration.ofMillis(Long.parseLong(value(args, ++i, "--latency-ms"))));
                    default -> usage("unknown argument " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) { // a number that is not one, a negative latency
            usage(e.getMessage());
        }
        HecReceiver receiver;
        try {
            receiver = HecReceiver.start(config.build());
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("hec-receiver " + receiver.stats().summary());
            receiver.close();
            stopped.countDown();
        }));
        System.out.println("hec-receiver listening on " + receiver.baseUrl());
        System.out.flush();
        String last = "";
        while (!stopped.await(intervalMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String summary = receiver.stats().summary();
            if (!summary.equals(last)) {
                System.err.println("hec-receiver " + summary);
                last = summary;
            }
        }
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            usage(name + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("hec-receiver: " + problem);
        System.err.println("usage: HecReceiverMain --token TOKEN [--port 8088] [--ack] [--stats-interval-ms 5000] [--latency-ms 0]");
        System.exit(2);
    }
}
