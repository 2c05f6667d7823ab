package io.hyphae.connect.webhook;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** What a worker gives a task, enough for the task: assignment, pausing and an errant record reporter. */
final class TestSinkTaskContext implements SinkTaskContext {

    /** A reported record with its error and the future the task waits for. */
    record Report(SinkRecord record, Throwable error, CompletableFuture<Void> written) {
        String header(String name) {
            return record.headers().lastWithName(name) == null ? null
                : String.valueOf(record.headers().lastWithName(name).value());
        }
    }

    private final Set<TopicPartition> assignment;
    final Set<TopicPartition> paused = new HashSet<>();
    private final List<Report> reports = new ArrayList<>();
    private final List<Map<TopicPartition, Long>> rewinds = new ArrayList<>();
    private final boolean withReporter;
    /** When true, reports stay unwritten until {@link #completeReports()}. */
    volatile boolean holdReports;

    TestSinkTaskContext(Set<TopicPartition> assignment, boolean withReporter) {
        this.assignment = assignment;
        this.withReporter = withReporter;
    }

    synchronized List<Report> reports() {
        return List.copyOf(reports);
    }

    synchronized void completeReports() {
        holdReports = false;
        reports.forEach(report -> report.written().complete(null));
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return this::report;
    }

    private synchronized Future<Void> report(SinkRecord record, Throwable error) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        reports.add(new Report(record, error, written));
        if (!holdReports) {
            written.complete(null);
        }
        return written;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public synchronized void offset(Map<TopicPartition, Long> offsets) {
        rewinds.add(Map.copyOf(offsets));
    }

    @Override
    public synchronized void offset(TopicPartition tp, long offset) {
        rewinds.add(Map.of(tp, offset));
    }

    /** The rewinds the task asked for, in order, and forgets them. */
    synchronized List<Map<TopicPartition, Long>> takeRewinds() {
        List<Map<TopicPartition, Long>> out = List.copyOf(rewinds);
        rewinds.clear();
        return out;
    }

    @Override
    public void timeout(long timeoutMs) {
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public synchronized void pause(TopicPartition... partitions) {
        paused.addAll(List.of(partitions));
    }

    @Override
    public synchronized void resume(TopicPartition... partitions) {
        List.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
