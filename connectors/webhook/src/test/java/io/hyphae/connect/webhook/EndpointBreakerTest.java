package io.hyphae.connect.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointBreakerTest {

    @Test
    void opensAfterTheThresholdOfFailuresInARowAndClosesOnAnAnswer() {
        EndpointBreaker breaker = new EndpointBreaker(200);
        for (int i = 1; i < EndpointBreaker.THRESHOLD; i++) {
            assertThat(breaker.failed(1_000 + i)).isFalse();
            assertThat(breaker.waitMs(1_000 + i, 3)).as("not failing yet").isZero();
        }
        assertThat(breaker.failed(2_000)).as("the failure that opens it").isTrue();
        assertThat(breaker.failing()).isTrue();
        assertThat(breaker.failed(2_010)).as("only the one that opens it says so").isFalse();
        assertThat(breaker.answered(2_100)).as("it was failing").isTrue();
        assertThat(breaker.failing()).isFalse();
        assertThat(breaker.waitMs(2_100, 8)).isZero();
        assertThat(breaker.answered(2_200)).isFalse();
    }

    @Test
    void anAnswerBetweenFailuresStartsTheCountAgain() {
        EndpointBreaker breaker = new EndpointBreaker(200);
        for (int i = 0; i < EndpointBreaker.THRESHOLD - 1; i++) {
            breaker.failed(i);
        }
        breaker.answered(10);
        for (int i = 0; i < EndpointBreaker.THRESHOLD - 1; i++) {
            breaker.failed(20 + i);
        }
        assertThat(breaker.failing()).isFalse();
    }

    @Test
    void whileFailingOneRequestAtATimeAndOnePerProbeInterval() {
        EndpointBreaker breaker = new EndpointBreaker(200);
        for (int i = 0; i < EndpointBreaker.THRESHOLD; i++) {
            breaker.failed(1_000);
        }
        assertThat(breaker.waitMs(1_050, 0)).isEqualTo(150);
        assertThat(breaker.waitMs(1_200, 0)).isZero();
        assertThat(breaker.waitMs(1_300, 1)).as("one open: wait for its outcome").isPositive();
        breaker.failed(1_400);
        assertThat(breaker.waitMs(1_450, 0)).isEqualTo(150);
    }
}
