package io.haloconnector.poll;

/**
 * A page's output route threw: the poll ends without committing that page or any after it. The
 * message is the output's failure in one line (secrets were never in it: see
 * {@link ReportPollFailure#describe}).
 */
public final class PageOutputFailedException extends RuntimeException {
    public PageOutputFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
