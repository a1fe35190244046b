package io.haloconnector.splunk;

import io.haloconnector.halo.HaloEvent;
import io.haloconnector.output.EventBatch;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A page's events as the {@code <event>} elements of Splunk's XML streaming mode for modular inputs:
 * {@code <event stanza="…"><time>created_at as epoch seconds.millis</time><sourcetype>…</sourcetype>
 * <data>the Halo JSON unchanged, XML-escaped</data></event>}. The modular input writes the enclosing
 * {@code <stream>} once around the run ({@link ModularInput}).
 */
public final class SplunkEventStream {
    /** The property naming the input stanza the events belong to, such as {@code cloudpassage_halo://prod}. */
    public static final String STANZA_PROPERTY = "halo.modinput.stanza";
    /** The property holding the sourcetype of the events. */
    public static final String SOURCETYPE_PROPERTY = "halo.modinput.sourcetype";

    private SplunkEventStream() {
    }

    /** Bean method of the output route: the batch as {@code <event>} elements, one per line. */
    public static String events(EventBatch batch, Exchange exchange) {
        String stanza = exchange.getContext().resolvePropertyPlaceholders("{{" + STANZA_PROPERTY + "}}");
        String sourcetype = exchange.getContext().resolvePropertyPlaceholders("{{" + SOURCETYPE_PROPERTY + "}}");
        return events(batch, stanza, sourcetype);
    }

    static String events(EventBatch batch, String stanza, String sourcetype) {
        String open = "<event stanza=\"" + escape(stanza) + "\"><time>";
        String type = "</time><sourcetype>" + escape(sourcetype) + "</sourcetype><data>";
        StringBuilder out = new StringBuilder(batch.size() * 1200);
        for (HaloEvent event : batch) {
            out.append(open).append(epochSeconds(event.createdAt())).append(type);
            appendEscaped(out, new String(event.json(), StandardCharsets.UTF_8), false);
            out.append("</data></event>\n");
        }
        return out.toString();
    }

    /** Epoch seconds with milliseconds, the form Splunk's {@code <time>} takes: 1764000000.123. */
    static String epochSeconds(Instant instant) {
        long millis = instant.toEpochMilli();
        return Math.floorDiv(millis, 1000) + "." + String.format("%03d", Math.floorMod(millis, 1000));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        appendEscaped(out, text, true);
        return out.toString();
    }

    /** Escapes what XML requires; quotes only in attribute values (element text keeps the JSON readable). */
    private static void appendEscaped(StringBuilder out, String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(quotes ? "&quot;" : "\"");
                case '\'' -> out.append(quotes ? "&apos;" : "'");
                default -> out.append(c);
            }
        }
    }
}
