package io.haloconnector.route;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** Captures every log line (with stack traces) of this JVM while open. */
final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** All captured lines, each with its level, logger, message and any stack trace. */
    String text() {
        synchronized (appender.list) {
            return appender.list.stream().map(LogCapture::render).collect(Collectors.joining("\n"));
        }
    }

    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(LogCapture::render).toList();
        }
    }

    private static String render(ILoggingEvent event) {
        String line = event.getLevel() + " [" + event.getLoggerName() + "] " + event.getFormattedMessage();
        return event.getThrowableProxy() == null ? line : line + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
