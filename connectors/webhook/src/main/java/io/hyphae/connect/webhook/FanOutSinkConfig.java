package io.hyphae.connect.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of the fan-out connector: the application (which names the subscriptions, status and dead-letter
 * topics), its stage topics, the bound of each subscriber's backlog, and the Kafka client settings of the task's own
 * clients (the subscriptions table, the dead letters, the status).
 */
public class FanOutSinkConfig extends AbstractConfig {

    public static final String APPLICATION = "fanout.application";
    public static final String STAGES = "fanout.stages";
    public static final String MAX_BUFFERED = "fanout.max.buffered.per.subscriber";
    public static final String STATUS_INTERVAL_MS = "fanout.status.interval.ms";
    public static final String TOPIC_PARTITIONS = "fanout.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "fanout.topic.replication.factor";
    /** Prefix of the task's Kafka client settings ({@code fanout.kafka.bootstrap.servers}, {@code fanout.kafka.sasl.*}). */
    public static final String KAFKA_PREFIX = "fanout.kafka.";
    /** Set by the connector on each task's configuration. */
    public static final String TASK_ID = "fanout.task.id";
    /** Prefix of the schema registry settings of Avro stages, as the CEL renderer takes them. */
    public static final String REGISTRY_PREFIX = "webhook.registry.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
        .define(APPLICATION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
            Importance.HIGH, "The application: subscribers are read from <application>.subscribers, their counts written to "
                + "<application>.subscribers.status, their dead letters to <application>.subscriber.<name>.dlq.")
        .define(STAGES, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> {
            try {
                StageCatalog.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }, Importance.HIGH, "JSON object of <route>.<stage> to {topic, format, keyFormat}: what a subscriber's 'stage' means.")
        .define(MAX_BUFFERED, Type.INT, 1_000, ConfigDef.Range.atLeast(2), Importance.MEDIUM,
            "The most records one subscriber may have incomplete in a task. A subscriber at the bound stops taking records "
                + "(the others go on) until half of them are complete; then the task reads its partitions again from where it "
                + "stopped, for it alone.")
        .define(STATUS_INTERVAL_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(10), Importance.LOW,
            "How often each subscriber's counts and positions are written to the status topic (also at each offset commit).")
        .define(TOPIC_PARTITIONS, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW,
            "Partitions of a dead-letter topic the task creates.")
        .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
            "Replication factor of the topics the task creates; -1: the broker's default.")
        .define(TASK_ID, Type.INT, 0, Importance.LOW, "This task's number (set by the connector).");

    public FanOutSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public String application() {
        return getString(APPLICATION);
    }

    public StageCatalog stages() {
        return StageCatalog.parse(getString(STAGES));
    }

    public int maxBuffered() {
        return getInt(MAX_BUFFERED);
    }

    public long statusIntervalMs() {
        return getLong(STATUS_INTERVAL_MS);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS);
    }

    public short replicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR);
    }

    public int taskId() {
        return getInt(TASK_ID);
    }

    /** The settings of the task's own Kafka clients, without the prefix. */
    public Map<String, Object> kafka() {
        return originalsWithPrefix(KAFKA_PREFIX);
    }

    /** The schema registry settings, with their {@code webhook.registry.} keys, for the subscribers of Avro stages. */
    public Map<String, Object> registry() {
        Map<String, Object> out = new LinkedHashMap<>();
        originals().forEach((k, v) -> {
            if (k.startsWith(REGISTRY_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
