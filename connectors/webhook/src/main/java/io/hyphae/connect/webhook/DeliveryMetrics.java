package io.hyphae.connect.webhook;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;

/** Counts of delivered, retried, dead-lettered and filtered records of one task, also as plugin metrics. */
final class DeliveryMetrics {

    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong filtered = new AtomicLong();

    /** Registers the counts with the worker's metrics (KIP-877); they go away with the task. */
    void register(PluginMetrics metrics, String subscriber) {
        if (metrics == null) {
            return;
        }
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("subscriber", subscriber);
        add(metrics, tags, "delivered-total", "Records the subscriber answered with 2xx.", delivered);
        add(metrics, tags, "retried-total", "Attempts that were retried.", retried);
        add(metrics, tags, "dead-lettered-total", "Records reported to the dead letter queue.", deadLettered);
        add(metrics, tags, "filtered-total", "Records the renderer filtered out.", filtered);
    }

    private static void add(PluginMetrics metrics, LinkedHashMap<String, String> tags, String name,
                            String description, AtomicLong counter) {
        MetricName metricName = metrics.metricName(name, description, tags);
        metrics.addMetric(metricName, (Measurable) (config, now) -> counter.get());
    }

    @Override
    public String toString() {
        return "delivered=" + delivered.get() + ", retried=" + retried.get() + ", dead-lettered="
            + deadLettered.get() + ", filtered=" + filtered.get();
    }
}
