package io.haloconnector.output;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The output page route's first step after its output route threw: the failure becomes one line
 * naming the receiver (host:port, or the folder), what went wrong in a few words (the innermost
 * cause's message, such as "No space left on device" or "Connection refused") and the setting to
 * check. The original failure stays as the cause, for the stack trace at DEBUG. Outputs that say
 * it themselves (HEC) and a user's own output route keep their failure as it is.
 */
public final class OutputFailure implements Processor {

    private final String receiver;
    private final Function<Throwable, String> whatToCheck;
    private final Predicate<Throwable> concernsReceiver;

    private OutputFailure(String receiver, Function<Throwable, String> whatToCheck) {
        this(receiver, whatToCheck, failure -> true);
    }

    private OutputFailure(String receiver, Function<Throwable, String> whatToCheck, Predicate<Throwable> concernsReceiver) {
        this.receiver = receiver;
        this.whatToCheck = whatToCheck;
        this.concernsReceiver = concernsReceiver;
    }

    /** halo.output=file: the folder, and a full disk said as such. */
    public static OutputFailure file(Path folder) {
        String path = folder.toAbsolutePath().toString();
        return new OutputFailure("Cannot write to the folder " + path,
                failure -> reason(failure).contains("No space left on device")
                        ? "free space there or set halo.file.dir to another folder"
                        : "check halo.file.dir (a folder the connector can create and write)",
                // a user's own output route in place of output-file.yaml may write elsewhere
                failure -> mentions(failure, path) || mentions(failure, folder.toString()));
    }

    /** halo.output=syslog: the receiver's host:port; its certificate, or where it listens. */
    public static OutputFailure syslog(String host, int port, boolean tls) {
        return new OutputFailure("The syslog receiver " + host + ":" + port + " did not take the page",
                failure -> find(failure, SSLException.class) != null
                        ? "check syslog.tls.trustStore (it must hold the receiver's certificate or its CA) and that"
                        + " the certificate names syslog.host"
                        : tls ? "check syslog.host and syslog.port (a TLS listener)" : "check syslog.host and syslog.port");
    }

    /** halo.output=kafka: the brokers; the login or the trust store when those were refused. */
    public static OutputFailure kafka(String brokers) {
        return new OutputFailure("Kafka at " + brokers + " did not take the page", failure -> {
            String type = innermost(failure).getClass().getSimpleName();
            if (type.contains("Authentication") || type.contains("Sasl")) {
                return "check kafka.sasl.username and kafka.sasl.password (or KAFKA_SASL_PASSWORD)";
            }
            return find(failure, SSLException.class) != null || type.contains("Ssl")
                    ? "check kafka.tls.trustStore (it must hold the brokers' certificate or their CA)"
                    : "check kafka.brokers and that the brokers run";
        });
    }

    /** An output whose failures already say what to check (HEC), or a user's own output route. */
    public static OutputFailure asItIs() {
        return new OutputFailure(null, failure -> null);
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null || receiver == null || failure instanceof OutputFailedException
                || !concernsReceiver.test(failure)) {
            return;
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new OutputFailedException(
                receiver + ": " + reason(failure) + "; " + whatToCheck.apply(failure), failure));
    }

    /** The innermost message of the failure, on one line: the cause the operator can act on. */
    static String reason(Throwable failure) {
        Throwable inner = innermost(failure);
        String message = inner.getMessage();
        if (inner instanceof java.util.NoSuchElementException && "Unable to validate object".equals(message)) {
            // camel-netty's connection pool: the connection it opened was already closed when it checked it
            message = "the connection was closed as soon as it opened";
        }
        if (message == null || message.isBlank()) {
            message = inner.getClass().getSimpleName();
        }
        // one line, and no full stop of its own: the poll's line goes on after it
        message = message.replaceAll("\\s+", " ").replaceAll("[.\\s]+$", "");
        return find(failure, SSLException.class) != null ? "the TLS handshake failed (" + message + ")" : message;
    }

    private static Throwable innermost(Throwable failure) {
        // the deepest cause: "Connection refused" under camel-netty's "Cannot connect to ...", "No space
        // left on device" under camel-file's "Cannot store file ..."
        Throwable inner = failure;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        return inner;
    }

    private static boolean mentions(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** An output route's failure, said in one line with the receiver and the setting to check. */
    public static final class OutputFailedException extends RuntimeException {
        OutputFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
