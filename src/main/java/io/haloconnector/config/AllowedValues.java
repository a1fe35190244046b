package io.haloconnector.config;

import java.time.Duration;
import java.util.List;

/**
 * What a property accepts. {@link #describe()} is the phrase shown in README's properties table
 * and after "expected" in a {@link ConfigurationException}.
 */
public sealed interface AllowedValues {

    String describe();

    /** A whole number from min to max, both included. */
    record WholeNumbers(int min, int max) implements AllowedValues {
        @Override
        public String describe() {
            return min + " to " + max;
        }
    }

    /** A duration from min to max, both included, written as PropertyLookup reads it. */
    record Durations(Duration min, Duration max) implements AllowedValues {
        @Override
        public String describe() {
            return DurationText.shortest(min) + " to " + DurationText.shortest(max);
        }
    }

    record TrueOrFalse() implements AllowedValues {
        @Override
        public String describe() {
            return "true or false";
        }
    }

    /** One of a fixed list of words. */
    record OneOf(List<String> values) implements AllowedValues {
        @Override
        public String describe() {
            return "one of " + String.join(", ", values);
        }
    }

    /** A format the settings classes check themselves; text is what they expect. */
    record Described(String text) implements AllowedValues {
        @Override
        public String describe() {
            return text;
        }
    }

    static AllowedValues wholeNumbers(int min, int max) {
        return new WholeNumbers(min, max);
    }

    static AllowedValues durations(String min, String max) {
        return new Durations(DurationText.parse(min), DurationText.parse(max));
    }

    static AllowedValues trueOrFalse() {
        return new TrueOrFalse();
    }

    static AllowedValues oneOf(String... values) {
        return new OneOf(List.of(values));
    }

    static AllowedValues described(String text) {
        return new Described(text);
    }
}
