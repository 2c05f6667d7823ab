package io.hyphae.runtime;

import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFile;
import io.hyphae.runtime.internals.DeadLetterProcessingExceptionHandler;
import io.hyphae.runtime.internals.DeadLetterProductionExceptionHandler;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The Kafka Streams configuration of a route file: Hyphae's defaults, then the file's
 * {@code kafka.properties} (all clients), then its {@code kafka.streams} (Streams only) on top.
 */
public final class StreamsConfigFactory {

    /** Producer linger under at-least-once: a few ms instead of Streams' 100 ms keeps latency low at little cost. */
    static final String DEFAULT_LINGER_MS = "5";

    /**
     * Producer batch size: 128 KiB instead of 16 KiB. Each event becomes one record per stage, so a route writes
     * several times its input rate; larger batches mean fewer requests for the same records.
     */
    static final String DEFAULT_BATCH_SIZE = Integer.toString(128 * 1024);

    /** Commit interval under at-least-once: what a crash may replay. */
    static final String AT_LEAST_ONCE_COMMIT_INTERVAL_MS = "1000";

    /** Largest record Hyphae writes: its topics' max.message.bytes and its producer's max.request.size (16 MiB). */
    public static final int MAX_RECORD_BYTES = TopicSpec.MAX_RECORD_BYTES;

    /** The environment variable naming the folder of the stores' local state, when {@code kafka.streams} gives no {@code state.dir}. */
    public static final String STATE_DIR_ENV = "HYPHAE_STATE_DIR";

    static final String DEFAULT_SESSION_TIMEOUT_MS = "10000";
    static final String DEFAULT_HEARTBEAT_INTERVAL_MS = "3000";

    private StreamsConfigFactory() {
    }

    /** Defaults that do not depend on where the broker is. */
    public static Map<String, Object> hyphaeDefaults(RouteFile file) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, file.application());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        props.put(DeadLetterProcessingExceptionHandler.APPLICATION_CONFIG, file.application());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), DEFAULT_LINGER_MS);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), DEFAULT_BATCH_SIZE);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Integer.toString(MAX_RECORD_BYTES));
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class.getName());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A member that crashed is noticed after the session time-out: 45 s by default, 10 s here, so that a restarted
        // or a surviving instance takes its partitions over within about that (a clean stop leaves the group at once).
        // The cost: a member that stalls for over 10 s without a heartbeat (a long GC pause) is taken for dead.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), DEFAULT_SESSION_TIMEOUT_MS);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), DEFAULT_HEARTBEAT_INTERVAL_MS);
        return props;
    }

    /** The full configuration for {@code bootstrapServers}. */
    public static Properties forRun(RouteFile file, String bootstrapServers) {
        Properties props = new Properties();
        props.putAll(hyphaeDefaults(file));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, defaultStateDir(System.getenv(STATE_DIR_ENV)));
        props.putAll(file.kafka().properties());
        props.putAll(file.kafka().streams());
        if (StreamsConfig.AT_LEAST_ONCE.equals(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                && !file.kafka().streams().containsKey(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)) {
            // Streams commits every 30 s under at-least-once: a crash would replay up to 30 s of output.
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, AT_LEAST_ONCE_COMMIT_INTERVAL_MS);
        }
        return props;
    }

    /**
     * The state folder for the cluster {@code clusterId}, when the file or {@code -X} did not name one: the default
     * folder's {@code <cluster id>} subfolder, so that the state of an application on one cluster is never taken for
     * its state on another (a new local broker, a test's broker): Kafka Streams keeps no record of the cluster in its
     * state folder, and would otherwise go on from the stores of the former one.
     */
    public static Optional<String> stateDirForCluster(RouteFile file, Properties config, String clusterId) {
        if (namesStateDir(file) || clusterId == null || clusterId.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG), clusterId).toString());
    }

    /** The file ({@code kafka.streams} or {@code kafka.properties}, where {@code -X} goes) names the state folder. */
    public static boolean namesStateDir(RouteFile file) {
        return file.kafka().streams().containsKey(StreamsConfig.STATE_DIR_CONFIG)
                || file.kafka().properties().containsKey(StreamsConfig.STATE_DIR_CONFIG);
    }

    /**
     * Where the stores keep their local state unless {@code kafka.streams} says: {@code $HYPHAE_STATE_DIR}, else
     * {@code ~/.hyphae/state}, in a subfolder per cluster ({@link #stateDirForCluster}). Not Streams' own default, a
     * folder under the OS's temporary directory, which the OS may clear under a running application.
     */
    static String defaultStateDir(String fromEnvironment) {
        return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment
                : Path.of(System.getProperty("user.home"), ".hyphae", "state").toString();
    }

    /** Settings for the plain clients Hyphae creates (admin, CLI producers and consumers). */
    public static Properties clientProperties(RouteFile file, String bootstrapServers) {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(file.kafka().properties());
        return props;
    }
}
