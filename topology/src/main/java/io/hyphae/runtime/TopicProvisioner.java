package io.hyphae.runtime;

import io.hyphae.plan.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Creates the topics an application needs before it starts, and refuses to start when an existing
 * topic contradicts the route file (partition count, replication factor, or a repartition topic whose
 * partition count differs from its table's, which would break the join).
 */
public final class TopicProvisioner {

    private static final long SERVED_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final Admin admin;
    private final Consumer<String> progress;
    private final Map<String, TopicSpec.Role> roles = new HashMap<>();

    public TopicProvisioner(Admin admin, Consumer<String> progress) {
        this.admin = admin;
        this.progress = progress;
    }

    /** Creates what is missing; throws {@link TopicConflictException} listing every conflict, before creating anything. */
    public List<String> provision(List<TopicSpec> planned) throws InterruptedException {
        // Kafka Streams creates the changelogs of the stages' stores itself, as internal topics, with their partition count.
        List<TopicSpec> specs = planned.stream().filter(s -> s.role() != TopicSpec.Role.CHANGELOG).toList();
        specs.forEach(spec -> roles.putIfAbsent(spec.name(), spec.role()));
        Map<String, TopicDescription> existing = describe(specs.stream().map(TopicSpec::name).toList());
        List<String> conflicts = new ArrayList<>();
        Map<String, Integer> partitionCounts = new HashMap<>();
        existing.forEach((name, d) -> partitionCounts.put(name, d.partitions().size()));
        List<TopicSpec> missing = new ArrayList<>();
        for (TopicSpec spec : specs) {
            TopicDescription d = existing.get(spec.name());
            if (d == null) {
                missing.add(spec);
                continue;
            }
            spec.partitions().filter(p -> p != d.partitions().size()).ifPresent(p -> conflicts.add(
                    "topic '" + spec.name() + "' (" + spec.owner() + ") has " + d.partitions().size() + " partitions but the route file asks for " + p));
            int rf = d.partitions().get(0).replicas().size();
            spec.replicationFactor().filter(r -> r != rf).ifPresent(r -> conflicts.add(
                    "topic '" + spec.name() + "' (" + spec.owner() + ") has replication factor " + rf + " but the route file asks for " + r));
        }
        // Repartition topics must match their table's partition count, created or not.
        for (TopicSpec spec : specs) {
            if (spec.copartitionWith().isEmpty()) {
                continue;
            }
            Integer tablePartitions = partitionCounts.get(spec.copartitionWith().get());
            Integer own = partitionCounts.get(spec.name());
            if (tablePartitions != null && own != null && !own.equals(tablePartitions)) {
                conflicts.add("topic '" + spec.name() + "' has " + own + " partitions but topic '" + spec.copartitionWith().get()
                        + "' has " + tablePartitions + "; a repartition topic needs as many partitions as the topic it is partitioned like"
                        + " (delete the repartition topic to recreate it)");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new TopicConflictException(conflicts);
        }
        warnAboutUncompactedTables(specs, existing);
        // Tables first: repartition topics take their partition count from them.
        missing.sort((a, b) -> Boolean.compare(a.copartitionWith().isPresent(), b.copartitionWith().isPresent()));
        List<String> created = new ArrayList<>();
        for (TopicSpec spec : missing) {
            Optional<Integer> partitions = spec.partitions();
            if (spec.copartitionWith().isPresent()) {
                partitions = Optional.ofNullable(partitionCounts.get(spec.copartitionWith().get()));
            }
            NewTopic topic = new NewTopic(spec.name(), partitions, spec.replicationFactor()).configs(spec.config());
            try {
                admin.createTopics(List.of(topic)).all().get();
                created.add(spec.name());
                progress.accept("created topic " + spec.name() + " (" + spec.owner() + ")");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    throw NotAuthorizedException.refused("Create", "Create", "topic", spec.name(), denied);
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic '" + spec.name() + "': " + e.getCause().getMessage(), e.getCause());
                }
            }
            if (!partitionCounts.containsKey(spec.name())) {
                describe(List.of(spec.name())).forEach((n, d) -> partitionCounts.put(n, d.partitions().size()));
            }
        }
        awaitServed(created);
        return created;
    }

    /**
     * Until the brokers serve every partition of the new topics: creation returns once the controller has
     * them, and a broker may answer "unknown topic" for a moment after that.
     */
    private void awaitServed(List<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + SERVED_TIMEOUT_NANOS;
        while (!topics.isEmpty()) {
            try {
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                        d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(request).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " were created but are not served: " + e.getCause().getMessage(), e.getCause());
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * A table topic that exists but is not compacted (e.g. created by a producer before the first run) loses rows
     * once they are older than its retention: say so, with the fix. The file is not refused, since a table topic
     * owned by someone else may keep every row on purpose (retention.ms=-1).
     */
    private void warnAboutUncompactedTables(List<TopicSpec> specs, Map<String, TopicDescription> existing) throws InterruptedException {
        List<ConfigResource> tables = specs.stream().filter(s -> s.role() == TopicSpec.Role.TABLE && existing.containsKey(s.name()))
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        if (tables.isEmpty()) {
            return;
        }
        try {
            for (Map.Entry<ConfigResource, Config> e : admin.describeConfigs(tables).all().get().entrySet()) {
                String policy = Optional.ofNullable(e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG)).map(ConfigEntry::value).orElse("delete");
                String retention = Optional.ofNullable(e.getValue().get(TopicConfig.RETENTION_MS_CONFIG)).map(ConfigEntry::value).orElse("");
                if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) && !retention.equals("-1")) {
                    String topic = e.getKey().name();
                    String owner = specs.stream().filter(s -> s.name().equals(topic)).findFirst().map(TopicSpec::owner).orElse("a table");
                    progress.accept("warning: topic '" + topic + "' (" + owner + ") has cleanup.policy=" + policy
                            + ", so rows older than its retention (retention.ms=" + retention + ") will disappear from the table;"
                            + " make it compacted: kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name "
                            + topic + " --add-config cleanup.policy=compact");
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                // 'hyphae acls' leaves DescribeConfigs out: the application needs it only for this check.
                progress.accept("warning: cannot check that the table topics " + tables.stream().map(ConfigResource::name).toList()
                        + " are compacted: the principal has no DescribeConfigs permission on them (not needed to run)");
            } else {
                progress.accept("warning: cannot read the configs of the table topics: " + e.getCause().getMessage());
            }
        }
    }

    /** The ACL operation 'hyphae acls' prints that implies Describe on the topic. */
    private String describeGrant(String topic) {
        TopicSpec.Role role = roles.get(topic);
        if (role == null) {
            return "Describe";
        }
        return switch (role) {
            case INPUT, TABLE, REPARTITION -> "Read";
            case STAGE, DEAD_LETTER, DESTINATION -> "Write";
            default -> "Describe";
        };
    }

    private Map<String, TopicDescription> describe(List<String> names) throws InterruptedException {
        Map<String, TopicDescription> out = new HashMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (var entry : futures.entrySet()) {
            try {
                out.put(entry.getKey(), entry.getValue().get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    throw NotAuthorizedException.refused("Describe", describeGrant(entry.getKey()), "topic", entry.getKey(), denied);
                }
                if (e.getCause() instanceof AuthenticationException failed) {
                    throw NotAuthorizedException.unauthenticated(failed);
                }
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic '" + entry.getKey() + "': " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
        return out;
    }

    /** Existing topics contradict the route file; nothing was created. */
    public static final class TopicConflictException extends RuntimeException {
        private final List<String> conflicts;

        public TopicConflictException(List<String> conflicts) {
            super("existing topics conflict with the route file:" + conflicts.stream().map(c -> "\n  - " + c).collect(Collectors.joining()));
            this.conflicts = List.copyOf(conflicts);
        }

        public List<String> conflicts() {
            return conflicts;
        }
    }
}
