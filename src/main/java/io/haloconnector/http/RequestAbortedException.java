package io.haloconnector.http;

import java.io.InterruptedIOException;

/**
 * A request that {@link RequestDeadlines} cut off: no complete answer within its timeout, or the
 * connector stopping. An {@link java.io.IOException}, so the Halo and HEC retries treat it as the
 * transient failure it is. Its message is one line for a log ({@code no complete answer within 2s
 * (halo.api.timeout)}) and never holds the request, whose headers carry a token.
 */
public final class RequestAbortedException extends InterruptedIOException {

    RequestAbortedException(String message, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause);
        }
    }
}
