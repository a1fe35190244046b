package io.haloconnector.poll;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output page route's consumer's exception handler: an error that reaches it came after the
 * route had dealt with its page, since the route catches every failure of the output itself. Such
 * an error is a component's late report on a page already settled (camel-netty sets a receiver's
 * connection reset on the exchange of the page it last wrote), so it is said in one line at INFO;
 * Camel's default would log a WARN with a stack trace beside the poll's own line.
 */
public final class LateOutputErrors implements ExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(LateOutputErrors.class);

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.info("The output reported an error after its page was settled: {}", ReportPollFailure.describe(exception));
        LOG.debug("The late error's stack trace", exception);
    }
}
