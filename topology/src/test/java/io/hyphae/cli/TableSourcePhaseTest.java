package io.hyphae.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The phase line of a table source in {@code hyphae connectors status}, from Debezium's PostgreSQL offsets. */
class TableSourcePhaseTest {

    private static final Instant NOW = Instant.parse("2026-12-02T00:00:10Z");

    @Test
    void noOffsetYetIsStarting() {
        assertThat(TableSourcePhase.describe(List.of(), NOW)).startsWith("phase: starting");
    }

    @Test
    void anOffsetInTheSnapshotIsSnapshotting() {
        assertThat(TableSourcePhase.describe(List.of(Map.of("snapshot", "INITIAL", "last_snapshot_record", false, "lsn", 100L)), NOW))
                .startsWith("phase: snapshotting");
    }

    @Test
    void theSnapshotsLastRecordOrAStreamedChangeIsStreamingWithTheAgeOfTheLastChange() {
        long micros = Instant.parse("2026-12-02T00:00:07.500Z").toEpochMilli() * 1000;
        assertThat(TableSourcePhase.describe(List.of(Map.of("lsn_proc", 22290688L, "lsn", 22290688L, "ts_usec", micros)), NOW))
                .isEqualTo("phase: streaming from LSN 0/1542100, last change read was committed at 2026-12-02T00:00:07.500Z (2.5 s ago)");
        assertThat(TableSourcePhase.describe(List.of(Map.of("snapshot", "INITIAL", "last_snapshot_record", true, "lsn", 5L)), NOW))
                .startsWith("phase: streaming from LSN 0/5");
    }
}
