package io.haloconnector.testkit.hec;

import java.util.Map;

/**
 * A snapshot of what a {@link HecReceiver} has seen.
 *
 * @param requests          HTTP requests read (all endpoints)
 * @param answersByStatus   answers by HTTP status; 0 counts connections reset instead of answered
 * @param answersByCode     answers by HEC {@code code} (only answers that carry one)
 * @param bodyBytes         request body bytes as sent on the wire (compressed when gzip)
 * @param decodedBytes      event POST body bytes after gzip decoding
 * @param gzipRequests      requests with {@code Content-Encoding: gzip}
 * @param eventsAccepted    envelopes accepted (with ack on: acked or not)
 * @param eventsAcked       envelopes acknowledged through /ack (0 with ack off)
 * @param refusedConnections connections reset as soon as accepted during an outage
 */
public record HecReceiverStats(long requests, Map<Integer, Long> answersByStatus, Map<Integer, Long> answersByCode,
                               long bodyBytes, long decodedBytes, long gzipRequests, long eventsAccepted,
                               long eventsAcked, long refusedConnections) {

    /** Answers carrying this HEC code. */
    public long answers(int code) {
        return answersByCode.getOrDefault(code, 0L);
    }

    /** One line for logs and the receiver's stderr. */
    public String summary() {
        return "requests=" + requests + " status=" + answersByStatus + " codes=" + answersByCode + " bytes=" + bodyBytes
                + " decoded=" + decodedBytes + " gzip=" + gzipRequests + " accepted=" + eventsAccepted
                + " acked=" + eventsAcked + " refused=" + refusedConnections;
    }
}
