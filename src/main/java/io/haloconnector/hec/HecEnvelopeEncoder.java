package io.haloconnector.hec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconnector.halo.HaloEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Turns a Halo event into its HEC envelope bytes, once per event:
 * {@code {"time":..,"host":..,"source":..,"sourcetype":..,"index":..,"event":{..},"fields":{"halo_event_type":..}}}.
 */
final class HecEnvelopeEncoder {

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private final HecSettings settings;

    HecEnvelopeEncoder(HecSettings settings) {
        this.settings = settings;
    }

    byte[] encode(HaloEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            json.setCodec(mapper);
            json.writeStartObject();
            json.writeFieldName("time");
            json.writeNumber(epochSeconds(event.createdAt()));
            json.writeStringField("host", settings.host());
            json.writeStringField("source", settings.source());
            json.writeStringField("sourcetype", settings.sourcetype());
            if (settings.index().isPresent()) {
                json.writeStringField("index", settings.index().get());
            }
            json.writeFieldName("event");
            json.writeTree(event.json());
            json.writeObjectFieldStart("fields");
            json.writeStringField("halo_event_type", event.type());
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.id(), e);
        }
        return out.toByteArray();
    }

    /**
     * Epoch seconds as an exact decimal (no binary floating point): milliseconds as three
     * decimals, e.g. {@code 1516222956.771}; pre-2015 microsecond timestamps keep six.
     */
    static BigDecimal epochSeconds(Instant instant) {
        int nanos = instant.getNano();
        int scale = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(nanos, 9)).setScale(scale);
    }
}
