package io.hyphae.bench;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class ApiBenchmarkTest {

    @Test
    void theEventsAreThoseTheFormatWouldWrite() {
        for (int i : new int[] {0, 5, 9, 10, 42, 99, 100, 123, 989, 990, 999, 1000, 1005, 123_456}) {
            assertThat(ApiBenchmark.value(i)).isEqualTo(String.format(Locale.ROOT,
                    "{\"id\":%d,\"customer\":\"customer-%04d\",\"amount\":%d.%02d,\"currency\":\"EUR\"}", i, i % 1000, 10 + i % 990, i % 100));
        }
    }
}
