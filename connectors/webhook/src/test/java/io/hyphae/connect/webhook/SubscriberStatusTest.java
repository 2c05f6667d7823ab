package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SubscriberStatusTest {

    @Test
    void aReportSurvivesItsJsonAndReportsOfTwoTasksAddUp() {
        SubscriberStatus zero = new SubscriberStatus("audit", 0, 10, 2, 1, 5, 3, Optional.empty(), false, Map.of("t-0", 19L), 1_000, 5_000);
        SubscriberStatus one = new SubscriberStatus("audit", 1, 7, 0, 0, 1, 0, Optional.of("410 Gone"), true, Map.of("t-0", 12L, "t-1", 8L),
                900, 6_000);
        assertThat(SubscriberStatus.parse(zero.json())).isEqualTo(zero);
        assertThat(SubscriberStatus.parse(one.json())).isEqualTo(one);
        SubscriberStatus sum = SubscriberStatus.sum("audit", List.of(zero, one));
        assertThat(sum.delivered()).isEqualTo(17);
        assertThat(sum.retried()).isEqualTo(2);
        assertThat(sum.deadLettered()).isEqualTo(1);
        assertThat(sum.filtered()).isEqualTo(6);
        assertThat(sum.pending()).isEqualTo(3);
        assertThat(sum.paused()).contains("410 Gone");
        assertThat(sum.behind()).isTrue();
        assertThat(sum.positions()).containsExactlyInAnyOrderEntriesOf(Map.of("t-0", 19L, "t-1", 8L));
        assertThat(sum.definedMs()).isEqualTo(900); // the definition every task delivers with: the oldest
        assertThat(sum.updatedMs()).isEqualTo(6_000);
    }

    @Test
    void aKeyNamesItsSubscriber() {
        assertThat(SubscriberStatus.key("audit-2", 3)).isEqualTo("audit-2/3");
        assertThat(SubscriberStatus.subscriberOf("audit-2/3")).isEqualTo("audit-2");
    }
}
