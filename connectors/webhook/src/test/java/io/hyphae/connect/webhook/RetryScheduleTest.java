package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void backsOffExponentiallyUpToTheMaximum() {
        RetrySchedule schedule = new RetrySchedule(1_000, 3_600_000, 2.0, 0, 12, 86_400_000);
        assertThat(schedule.backoffMs(1)).isEqualTo(1_000);
        assertThat(schedule.backoffMs(2)).isEqualTo(2_000);
        assertThat(schedule.backoffMs(5)).isEqualTo(16_000);
        assertThat(schedule.backoffMs(30)).isEqualTo(3_600_000);
    }

    @Test
    void jitterStaysWithinItsSpread() {
        RetrySchedule schedule = new RetrySchedule(1_000, 3_600_000, 2.0, 0.2, 12, 86_400_000);
        for (int i = 0; i < 1_000; i++) {
            assertThat(schedule.backoffMs(1)).isBetween(800L, 1_200L);
        }
    }

    @Test
    void stopsAfterTheLastAttemptOrWhenTooMuchTimePassed() {
        RetrySchedule schedule = new RetrySchedule(100, 1_000, 2.0, 0, 3, 10_000);
        assertThat(schedule.nextDelayMs(1, 0, 0, 0)).isEqualTo(100);
        assertThat(schedule.nextDelayMs(2, 0, 0, 0)).isEqualTo(200);
        assertThat(schedule.nextDelayMs(3, 0, 0, 0)).isEqualTo(-1);
        assertThat(schedule.nextDelayMs(1, 0, 9_950, 0)).isEqualTo(-1);
        assertThat(schedule.nextDelayMs(1, 0, 0, 20_000)).isEqualTo(-1);
    }

    @Test
    void waitsForTheLongerOfBackoffAndRetryAfter() {
        RetrySchedule schedule = new RetrySchedule(100, 1_000, 2.0, 0, 5, 100_000);
        assertThat(schedule.nextDelayMs(1, 0, 0, 5_000)).isEqualTo(5_000);
        assertThat(schedule.nextDelayMs(1, 0, 0, 50)).isEqualTo(100);
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(RetrySchedule.retryAfterMs("3", now)).isEqualTo(3_000);
        assertThat(RetrySchedule.retryAfterMs(" 0 ", now)).isZero();
        assertThat(RetrySchedule.retryAfterMs("Sun, 01 Mar 2026 10:00:30 GMT", now)).isEqualTo(30_000);
        assertThat(RetrySchedule.retryAfterMs("Sun, 01 Mar 2026 09:00:00 GMT", now)).isZero();
        assertThat(RetrySchedule.retryAfterMs("soon", now)).isZero();
        assertThat(RetrySchedule.retryAfterMs(null, now)).isZero();
        assertThat(RetrySchedule.retryAfterMs("-5", now)).isZero();
    }
}
