package io.haloconnector;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Captures every log event of this JVM (root logger, from DEBUG up unless told another level) while open. */
public final class LogCapture implements AutoCloseable {

    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at |^\\s*Caused by");

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previous = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        this(Level.DEBUG);
    }

    /** Captures from {@code level} up, as the root logger at that level (HALO_LOG_LEVEL) would print. */
    public LogCapture(Level level) {
        appender.start();
        root.addAppender(appender);
        root.setLevel(level);
    }

    private List<ILoggingEvent> events() {
        synchronized (appender) { // AppenderBase.doAppend holds this lock while adding
            return new ArrayList<>(appender.list);
        }
    }

    /** Formatted messages at exactly this level. */
    public List<String> lines(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every message with its level, logger and stack trace, as a log file would show it. */
    public List<String> everything() {
        return events().stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    }

    /** The log as its file shows it, one entry a printed line: each message, then its stack trace's lines. */
    public List<String> printedLines() {
        return everything().stream().flatMap(String::lines).toList();
    }

    /**
     * Asserts that every failure was said in one line: no WARN, no stack trace (no line "at ..." or
     * "Caused by"); returns the ERROR lines.
     */
    public List<String> oneLineErrors() {
        assertThat(lines(Level.WARN)).as("WARN lines").isEmpty();
        assertThat(printedLines()).as("stack trace lines").noneMatch(line -> STACK_TRACE.matcher(line).find());
        return lines(Level.ERROR);
    }

    /** Asserts that a stack trace was logged: its frames and the reason among its lines. */
    public void assertStackTraceOf(String reason) {
        assertThat(printedLines()).as("stack trace lines").anyMatch(line -> STACK_TRACE.matcher(line).find());
        assertThat(text()).contains(reason);
    }

    /** {@link #everything()} as one text. */
    public String text() {
        return String.join("\n", everything());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previous);
    }
}
