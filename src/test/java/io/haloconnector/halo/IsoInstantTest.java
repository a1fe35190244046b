package io.haloconnector.halo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IsoInstant must give exactly what Instant.parse gives, value or error, for every text. */
class IsoInstantTest {

    @Test
    void agreesWithInstantParseOnRandomTimestampsWithEveryFractionLength() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(253_402_300_799L), random.nextInt(1_000_000_000));
            String full = DateTimeFormatter.ISO_INSTANT.format(instant.with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0)).replace("Z", "");
            String nanos = String.format("%09d", instant.getNano());
            int digits = random.nextInt(10);
            String text = full + (digits == 0 ? "" : "." + nanos.substring(0, digits)) + "Z";
            assertThat(IsoInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00Z", "2018-01-17T21:02:36.7Z",
            "2016-12-31T23:59:60Z", "2018-01-17T21:02:36.771+00:00", "+12018-01-17T21:02:36Z", "2018-01-17T24:00:00Z",
            "2018-01-17T21:02:36.Z"})
    void edgeCasesGoTheJdksWay(String text) {
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeException e) {
            assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeException.class);
            return;
        }
        assertThat(IsoInstant.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2018-13-01T00:00:00Z", "2018-01-17T21:02:3xZ",
            "2018-01-17 21:02:36Z", "2018-01-17T21:02:36.1234567891Z", "yesterday", ""})
    void invalidTextIsRejectedAsByTheJdk(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeException.class);
    }
}
