package io.hyphae.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Consumer lag per input partition as the gauge {@code hyphae.consumer.lag} tagged {@code topic} and
 * {@code partition}: the consumers' own {@code records-lag} (records between the position and the end of the
 * partition), the highest over the stream threads that fetch the partition, NaN while none does. Refreshed on every
 * scrape, so a partition shows up as soon as it is fetched (Micrometer's Kafka binder looks for new metrics once a
 * minute).
 */
final class ConsumerLag {

    static final String NAME = "hyphae.consumer.lag";
    private static final String GROUP = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    private final MeterRegistry registry;
    private final Supplier<KafkaStreams> streams;
    private final Set<String> topics;
    private final Set<Map.Entry<String, String>> known = ConcurrentHashMap.newKeySet();

    /**
     * @param topics the topics the application reads: Kafka's consumers also report each partition under a legacy tag
     *               with the topic's dots as underscores, which is left out
     */
    ConsumerLag(MeterRegistry registry, Supplier<KafkaStreams> streams, Set<String> topics) {
        this.registry = registry;
        this.streams = streams;
        this.topics = topics;
    }

    /** Registers a gauge for every partition a consumer of the streams fetches now. */
    void refresh() {
        for (MetricName name : metrics().keySet()) {
            if (isLag(name)) {
                String topic = name.tags().get("topic");
                String partition = name.tags().get("partition");
                if (known.add(Map.entry(topic, partition))) {
                    Gauge.builder(NAME, this, lag -> lag.value(topic, partition))
                            .description("records between the consumer's position and the end of the input partition")
                            .tags("topic", topic, "partition", partition)
                            .strongReference(true)
                            .register(registry);
                }
            }
        }
    }

    private boolean isLag(MetricName name) {
        return name.group().equals(GROUP) && name.name().equals(RECORDS_LAG)
                && topics.contains(name.tags().get("topic")) && name.tags().containsKey("partition");
    }

    private double value(String topic, String partition) {
        double lag = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics().entrySet()) {
            MetricName name = e.getKey();
            if (isLag(name) && topic.equals(name.tags().get("topic")) && partition.equals(name.tags().get("partition"))) {
                Object v = e.getValue().metricValue();
                if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    lag = Double.isNaN(lag) ? n.doubleValue() : Math.max(lag, n.doubleValue());
                }
            }
        }
        return lag;
    }

    private Map<MetricName, ? extends Metric> metrics() {
        KafkaStreams s = streams.get();
        return s == null ? Map.of() : s.metrics();
    }
}
