package io.hyphae.runtime;

import io.hyphae.plan.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Deletes what the application has consumed of its repartition topics, as Kafka Streams does for its own: every
 * interval ({@code repartition.purge.interval.ms}, 30 s by default), the records below the offsets the application's
 * group has committed (under exactly-once, committed with the outputs they produced) are deleted.
 */
final class RepartitionPurger implements AutoCloseable {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final Admin admin;
    private final String group;
    private final Set<String> topics;
    private final Consumer<String> progress;
    private final ScheduledExecutorService timer;
    private final Map<TopicPartition, Long> purged = new HashMap<>();

    private RepartitionPurger(Admin admin, String group, Set<String> topics, Duration interval, Consumer<String> progress) {
        this.admin = admin;
        this.group = group;
        this.topics = topics;
        this.progress = progress;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, group + "-repartition-purger");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::purge, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts purging the plan's repartition topics, or returns null when it has none. */
    static RepartitionPurger start(List<TopicSpec> plan, String group, Properties clientProperties, Duration interval,
                                   Consumer<String> progress) {
        Set<String> topics = plan.stream().filter(t -> t.role() == TopicSpec.Role.REPARTITION).map(TopicSpec::name).collect(Collectors.toSet());
        if (topics.isEmpty()) {
            return null;
        }
        return new RepartitionPurger(Admin.create(clientProperties), group, topics, interval, progress);
    }

    private void purge() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null && topics.contains(tp.topic()) && offset.offset() > purged.getOrDefault(tp, 0L)) {
                    delete.put(tp, RecordsToDelete.beforeOffset(offset.offset()));
                }
            });
            if (!delete.isEmpty()) {
                admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
                delete.forEach((tp, r) -> purged.put(tp, r.beforeOffset()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Tried again at the next interval; the records are only kept longer meanwhile.
            progress.accept("warning: cannot purge the repartition topics " + topics + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
