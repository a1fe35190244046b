package io.haloconnector.retry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestPacerTest {

    @Test
    void unpacedUntilA429ThenAt80PercentOfTheRateThatCausedItGrowingSlowly() throws InterruptedException {
        RequestPacer pacer = new RequestPacer();
        for (int i = 0; i < 10; i++) {
            pacer.acquire(); // no wait before the first 429
        }
        assertThat(pacer.perSecond()).isInfinite();
        pacer.rateLimited();
        assertThat(pacer.perSecond()).isCloseTo(8.0, within(1e-9));
        pacer.rateLimited(); // the same burst's other 429s do not cut again
        assertThat(pacer.perSecond()).isCloseTo(8.0, within(1e-9));
        pacer.succeeded();
        assertThat(pacer.perSecond()).isCloseTo(8.016, within(1e-9));
    }
}
