package io.haloconnector.hec;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.haloconnector.halo.HaloEvent;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a Halo event into its HEC envelope bytes, once per event:
 * {@code {"time":..,"host":..,"source":..,"sourcetype":..,"index":..,"event":{..},"fields":{"halo_event_type":..}}}.
 * The envelope's fixed part is encoded once; the event's own bytes are copied in as the API sent
 * them (no tree, no second serialisation: those were most of the connector's CPU per event).
 */
final class HecEnvelopeEncoder {

    private static final byte[] TIME = ascii("{\"time\":");
    private static final byte[] TYPE = ascii(",\"fields\":{\"halo_event_type\":");
    private static final byte[] END = ascii("}}");

    /** {@code ,"host":..,"source":..,"sourcetype":..[,"index":..],"event":} */
    private final byte[] middle;
    /** Event types are few (about 80): each is quoted once. */
    private final Map<String, byte[]> quotedTypes = new ConcurrentHashMap<>();

    HecEnvelopeEncoder(HecSettings settings) {
        this(settings, null, null, null);
    }

    /** With an account's own index, source and sourcetype where not null, the settings' otherwise. */
    HecEnvelopeEncoder(HecSettings settings, String index, String source, String sourcetype) {
        StringBuilder fixed = new StringBuilder();
        fixed.append(",\"host\":").append(quoted(settings.host()));
        fixed.append(",\"source\":").append(quoted(source != null ? source : settings.source()));
        fixed.append(",\"sourcetype\":").append(quoted(sourcetype != null ? sourcetype : settings.sourcetype()));
        String chosen = index != null ? index : settings.index().orElse(null);
        if (chosen != null) {
            fixed.append(",\"index\":").append(quoted(chosen));
        }
        fixed.append(",\"event\":");
        this.middle = fixed.toString().getBytes(StandardCharsets.UTF_8);
    }

    byte[] encode(HaloEvent event) {
        byte[] json = event.json();
        byte[] type = quotedTypes.get(event.type());
        if (type == null) {
            type = quoted(event.type()).getBytes(StandardCharsets.UTF_8);
            if (quotedTypes.size() < 1024) { // bounded whatever the API sends
                quotedTypes.put(event.type(), type);
            }
        }
        byte[] time = epochSeconds(event.createdAt());
        byte[] out = new byte[TIME.length + time.length + middle.length + json.length + TYPE.length + type.length + END.length];
        int at = put(out, 0, TIME);
        at = put(out, at, time);
        at = put(out, at, middle);
        at = put(out, at, json);
        at = put(out, at, TYPE);
        at = put(out, at, type);
        put(out, at, END);
        return out;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    /**
     * Epoch seconds as an exact decimal (no binary floating point): milliseconds as three
     * decimals, e.g. {@code 1516222956.771}; pre-2015 microsecond timestamps keep six. Written
     * digit by digit: a BigDecimal per event was a tenth of the HEC output's own CPU.
     */
    static byte[] epochSeconds(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nanos = instant.getNano();
        int scale = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        if (seconds < 0 && nanos > 0) { // before 1970 the fraction counts the other way: leave it to BigDecimal
            return ascii(BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9)).setScale(scale).toPlainString());
        }
        String whole = Long.toString(seconds);
        byte[] out = new byte[whole.length() + 1 + scale];
        int at = 0;
        for (; at < whole.length(); at++) {
            out[at] = (byte) whole.charAt(at);
        }
        out[at] = '.';
        int fraction = nanos;
        for (int drop = 9; drop > scale; drop--) {
            fraction /= 10;
        }
        for (int i = out.length - 1; i > at; i--) {
            out[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        return out;
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
