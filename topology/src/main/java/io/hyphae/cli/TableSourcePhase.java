package io.hyphae.cli;

import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a table source's connector is doing, from Debezium's committed source offset. */
final class TableSourcePhase {

    private TableSourcePhase() {
    }

    /**
     * One line: "starting" before any offset is committed, "snapshotting" while the offset says the initial snapshot
     * runs, else "streaming" with the LSN and the commit time of the last change read (Debezium's {@code ts_usec}) and
     * its age: on a table that changes steadily that age is the lag; on a quiet table it is the time since the last change.
     */
    static String describe(List<Map<String, Object>> offsets, Instant now) {
        if (offsets.isEmpty()) {
            return "phase: starting (no offset committed yet: the snapshot has not begun or not written its first rows)";
        }
        Map<String, Object> o = offsets.get(0);
        Object snapshot = o.get("snapshot");
        boolean snapshotting = snapshot != null && !"false".equalsIgnoreCase(String.valueOf(snapshot))
                && !Boolean.TRUE.equals(o.get("last_snapshot_record")) && !"true".equals(String.valueOf(o.get("last_snapshot_record")));
        if (snapshotting) {
            return "phase: snapshotting (the table's existing rows are being read)";
        }
        StringBuilder line = new StringBuilder("phase: streaming");
        Object lsn = o.containsKey("lsn_proc") ? o.get("lsn_proc") : o.get("lsn");
        if (lsn instanceof Number n) {
            // PostgreSQL's notation, as pg_current_wal_lsn() prints it
            line.append(" from LSN ").append(String.format(Locale.ROOT, "%X/%X", n.longValue() >>> 32, n.longValue() & 0xFFFFFFFFL));
        }
        if (o.get("ts_usec") instanceof Number ts) {
            Instant at = Instant.EPOCH.plusNanos(ts.longValue() * 1000);
            Duration age = Duration.between(at, now);
            line.append(", last change read was committed at ").append(at)
                    .append(String.format(Locale.ROOT, " (%.1f s ago)", age.isNegative() ? 0.0 : age.toMillis() / 1000.0));
        }
        return line.toString();
    }

    static long records(Admin admin, String topic) throws InterruptedException {
        return SubscriberProgress.records(admin, topic);
    }
}
