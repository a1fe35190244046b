package io.haloconnector.hec;

import java.security.cert.CertificateException;

/** What an answer to an event POST means for the batch, following the status code table of Splunk's HEC documentation. */
enum HecOutcome {
    /** Code 0: the batch is delivered (acked later when ack is on). */
    ACCEPTED,
    /** Busy, server errors, 429, unhealthy, no answer: retry the same batch after a backoff. */
    TRANSIENT,
    /** A token, index, channel, URL or certificate problem: say what to change, retry slowly. */
    CONFIGURATION,
    /** Codes 6, 12, 13, 15: some event is malformed: find it, dead-letter it, deliver the rest. */
    BAD_EVENT,
    /** HTTP 413: the body is over the server's max_content_length: split the batch. */
    TOO_LARGE,
    /** Code 5 (No data): the sender sent an empty body, which it never should. */
    BUG;

    static HecOutcome of(HecAnswer answer) {
        if (!answer.answered()) {
            return isCertificateProblem(answer.failure()) ? CONFIGURATION : TRANSIENT;
        }
        Integer code = answer.code();
        if (code != null) {
            switch (code) {
                case 0:
                    return answer.status() / 100 == 2 ? ACCEPTED : TRANSIENT;
                case 8, 9, 18:
                    return TRANSIENT;
                case 1, 2, 3, 4, 7, 10, 11, 14, 16:
                    return CONFIGURATION;
                case 6, 12, 13, 15:
                    return BAD_EVENT;
                case 5:
                    return BUG;
                default:
                    break;
            }
        }
        int status = answer.status();
        if (status / 100 == 2) {
            return ACCEPTED;
        }
        if (status == 413) {
            return TOO_LARGE;
        }
        if (status >= 500 || status == 429 || status == 408) {
            return TRANSIENT;
        }
        return CONFIGURATION;
    }

    /** A TLS failure caused by the certificate (untrusted, wrong host) rather than by a dropped connection. */
    static boolean isCertificateProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || (t instanceof javax.net.ssl.SSLHandshakeException && t.getMessage() != null
                    && (t.getMessage().contains("PKIX") || t.getMessage().contains("certificate")))) {
                return true;
            }
        }
        return false;
    }
}
