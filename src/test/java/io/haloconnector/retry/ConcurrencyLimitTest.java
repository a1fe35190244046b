package io.haloconnector.retry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyLimitTest {

    @Test
    void aRateLimitHalvesTheLimitAndSuccessesGrowItBackOneAtATime() {
        ConcurrencyLimit limit = new ConcurrencyLimit(8);
        limit.rateLimited();
        assertThat(limit.current()).isEqualTo(4);
        limit.rateLimited();
        limit.rateLimited();
        limit.rateLimited();
        assertThat(limit.current()).as("never below one").isEqualTo(1);
        limit.succeeded();
        assertThat(limit.current()).isEqualTo(2);
        limit.succeeded();
        assertThat(limit.current()).as("two successes at a limit of two").isEqualTo(2);
        limit.succeeded();
        assertThat(limit.current()).isEqualTo(3);
        for (int i = 0; i < 100; i++) {
            limit.succeeded();
        }
        assertThat(limit.current()).as("never above the maximum").isEqualTo(8);
    }
}
