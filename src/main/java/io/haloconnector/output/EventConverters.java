package io.haloconnector.output;

import io.haloconnector.halo.HaloEvent;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.SimpleTypeConverter;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lets any Camel endpoint take the connector's bodies: an {@link EventBatch} becomes JSON lines,
 * a {@link HaloEvent} its JSON object, as bytes, a stream or a string. Registered by hand (a few
 * lines) rather than through Camel's generated converter loaders, which need a build plugin.
 */
public final class EventConverters {

    private EventConverters() {
    }

    public static void registerIn(TypeConverterRegistry registry) {
        register(registry, EventBatch.class, EventBatch::toJsonLines);
        register(registry, HaloEvent.class, HaloEvent::json);
    }

    private static <T> void register(TypeConverterRegistry registry, Class<T> from, java.util.function.Function<T, byte[]> bytes) {
        registry.addTypeConverter(byte[].class, from, converter(from, bytes));
        registry.addTypeConverter(InputStream.class, from,
                converter(from, value -> new ByteArrayInputStream(bytes.apply(value))));
        registry.addTypeConverter(String.class, from,
                converter(from, value -> new String(bytes.apply(value), StandardCharsets.UTF_8)));
    }

    private static <T> TypeConverter converter(Class<T> from, java.util.function.Function<T, ?> conversion) {
        return new SimpleTypeConverter(false, (type, exchange, value) -> conversion.apply(from.cast(value)));
    }
}
