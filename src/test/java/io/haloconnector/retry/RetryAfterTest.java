package io.haloconnector.retry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 5 ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsAnHttpDateAsTheWaitUntilThen() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:29:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void neverAsksForANegativeWait() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("-5")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "soon", "1.5", "21 Oct 2015", "Wednesday, 21-Oct-15 07:28:00 GMT", "99999999999999999999"})
    void unreadableValuesGiveNull(String value) {
        assertThat(RetryAfter.parse(value)).isNull();
    }
}
