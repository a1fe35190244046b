package io.haloconnector.splunkapp;

import java.text.ParsePosition;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * The part of Splunk's strptime that the app's TIME_FORMAT uses, as a Java formatter:
 * {@code %Y %m %d %H %M %S %<n>N %%} and literal characters. Like Splunk it reads the format from
 * the start of the text and ignores whatever follows it. Anything else is refused, so a format
 * change that this test cannot check fails loudly.
 */
public final class StrptimeFormat {

    private final DateTimeFormatter formatter;
    private final ZoneId zone;

    private StrptimeFormat(DateTimeFormatter formatter, ZoneId zone) {
        this.formatter = formatter;
        this.zone = zone;
    }

    /** {@code format} as in TIME_FORMAT, in {@code zone} as in TZ. */
    public static StrptimeFormat of(String format, ZoneId zone) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                builder.appendLiteral(c);
                continue;
            }
            int start = ++i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i >= format.length()) {
                throw new IllegalArgumentException("format ends inside a conversion: " + format);
            }
            String width = format.substring(start, i);
            char conversion = format.charAt(i);
            if (!width.isEmpty() && conversion != 'N') {
                throw new IllegalArgumentException("width only supported on %N: " + format);
            }
            switch (conversion) {
                case 'Y' -> builder.appendValue(ChronoField.YEAR, 4);
                case 'm' -> builder.appendValue(ChronoField.MONTH_OF_YEAR, 2);
                case 'd' -> builder.appendValue(ChronoField.DAY_OF_MONTH, 2);
                case 'H' -> builder.appendValue(ChronoField.HOUR_OF_DAY, 2);
                case 'M' -> builder.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
                case 'S' -> builder.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
                // %3N = milliseconds, %6N = microseconds, %N = %9N = nanoseconds: exactly that many
                // digits; like Splunk, digits after them are left unread
                case 'N' -> {
                    int digits = width.isEmpty() ? 9 : Integer.parseInt(width);
                    if (digits != 3 && digits != 6 && digits != 9) {
                        throw new IllegalArgumentException("%" + width + "N: only %3N, %6N, %9N: " + format);
                    }
                    builder.appendValue(digits == 3 ? ChronoField.MILLI_OF_SECOND
                            : digits == 6 ? ChronoField.MICRO_OF_SECOND : ChronoField.NANO_OF_SECOND, digits);
                }
                case '%' -> builder.appendLiteral('%');
                default -> throw new IllegalArgumentException(
                        "%" + conversion + " is not covered by this test's strptime: " + format);
            }
        }
        return new StrptimeFormat(builder.toFormatter().withResolverStyle(ResolverStyle.STRICT), zone);
    }

    /** The instant at the start of {@code text}; fails if the format does not match there. */
    public Instant parse(String text) {
        ParsePosition position = new ParsePosition(0);
        if (formatter.parseUnresolved(text, position) == null || position.getErrorIndex() >= 0) {
            throw new IllegalArgumentException("'" + text + "' does not match at index "
                    + position.getErrorIndex());
        }
        return LocalDateTime.from(formatter.parse(text.substring(0, position.getIndex()))).atZone(zone).toInstant();
    }
}
