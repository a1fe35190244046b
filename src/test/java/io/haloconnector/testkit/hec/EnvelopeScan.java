package io.haloconnector.testkit.hec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Set;

/**
 * Checks a body's envelopes as {@link HecProtocol} does, token by token, and counts them without
 * building a tree: the receiver's path when it keeps no envelopes (benchmarks), where a tree per
 * event cost more CPU than the connector spent producing it. Same answers, same precedence of codes.
 */
final class EnvelopeScan {

    private static final JsonFactory JSON = new JsonFactory();

    private final Set<String> allowedIndexes;

    EnvelopeScan(Set<String> allowedIndexes) {
        this.allowedIndexes = allowedIndexes;
    }

    /** The number of envelopes, or the refusal of the first bad one (with its number). */
    record Outcome(int envelopes, ReceiverAnswer refused) {
    }

    Outcome scan(byte[] body) {
        int count = 0;
        try (JsonParser parser = JSON.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.START_OBJECT) {
                    return new Outcome(count, ReceiverAnswer.badEvent(6, "Invalid data format", count));
                }
                ReceiverAnswer refused = envelope(parser, count);
                if (refused != null) {
                    return new Outcome(count, refused);
                }
                count++;
            }
        } catch (IOException | RuntimeException e) {
            return new Outcome(count, ReceiverAnswer.badEvent(6, "Invalid data format", count));
        }
        return new Outcome(count, null);
    }

    /** Reads one envelope, from its START_OBJECT to its END_OBJECT. */
    private ReceiverAnswer envelope(JsonParser parser, int number) throws IOException {
        boolean hasEvent = false;
        boolean blankEvent = false;
        boolean badTime = false;
        boolean badText = false;
        boolean badFields = false;
        String index = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "event" -> {
                    hasEvent = true;
                    blankEvent = value == JsonToken.VALUE_NULL
                            || (value == JsonToken.VALUE_STRING && parser.getText().isBlank());
                }
                case "time" -> badTime = !value.isNumeric();
                case "host", "source", "sourcetype" -> badText |= value != JsonToken.VALUE_STRING;
                case "index" -> {
                    badText |= value != JsonToken.VALUE_STRING;
                    index = value.isScalarValue() ? parser.getText() : null;
                }
                case "fields" -> {
                    badFields = !flatFields(parser, value);
                    continue; // flatFields read the value to its end
                }
                default -> {
                    // any other field is taken as it is
                }
            }
            parser.skipChildren();
        }
        if (!hasEvent) {
            return ReceiverAnswer.badEvent(12, "Event field is required", number);
        }
        if (blankEvent) {
            return ReceiverAnswer.badEvent(13, "Event field cannot be blank", number);
        }
        if (badTime || badText) {
            return ReceiverAnswer.badEvent(6, "Invalid data format", number);
        }
        if (badFields) {
            return ReceiverAnswer.badEvent(15, "Error in handling indexed fields", number);
        }
        if (index != null && !allowedIndexes.isEmpty() && !allowedIndexes.contains(index)) {
            return ReceiverAnswer.badEvent(7, "Incorrect index", number);
        }
        return null;
    }

    /** Indexed fields: an object whose values are scalars or arrays of scalars; reads the value to its end. */
    private static boolean flatFields(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return false;
        }
        boolean flat = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonToken field = parser.nextToken();
            if (field == JsonToken.START_OBJECT) {
                flat = false;
                parser.skipChildren();
            } else if (field == JsonToken.START_ARRAY) {
                for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                    if (item.isStructStart()) {
                        flat = false;
                        parser.skipChildren();
                    }
                }
            }
        }
        return flat;
    }
}
