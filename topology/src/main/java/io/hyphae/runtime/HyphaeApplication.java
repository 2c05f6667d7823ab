package io.hyphae.runtime;

import io.hyphae.format.Formats;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.RouteFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A route file running against a Kafka cluster: topics provisioned, then a {@link KafkaStreams}
 * instance. Closing it shuts the streams down cleanly (committing, under exactly-once, the open
 * transaction).
 */
public final class HyphaeApplication implements AutoCloseable {

    private final CompiledApplication compiled;
    private final Properties config;
    private final Consumer<String> progress;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaStreams streams;
    private RepartitionPurger purger;
    private RouteMetrics metrics = RouteMetrics.NONE;
    private KafkaStreamsMetrics streamsMetrics;
    private boolean provisioned;
    private volatile RuntimeException failure;
    private final java.util.List<Consumer<KafkaStreams.State>> stateListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public HyphaeApplication(RouteFile file, String bootstrapServers, Consumer<String> progress) {
        this(TopologyCompiler.compile(file), bootstrapServers, progress);
    }

    /** For a file the loader checked: the checker's work (compiled expressions, topic plan) is used, not redone. */
    public HyphaeApplication(CheckedFile checked, String bootstrapServers, Consumer<String> progress) {
        this(checked, bootstrapServers, progress, RouteMetrics.NONE);
    }

    /** As above, its stages counting into {@code metrics}, and the streams' own metrics bound to the same registry. */
    public HyphaeApplication(CheckedFile checked, String bootstrapServers, Consumer<String> progress, RouteMetrics metrics) {
        this(TopologyCompiler.compile(checked, new Formats(checked.file().registry()), metrics), bootstrapServers, progress);
        this.metrics = metrics;
    }

    public HyphaeApplication(CompiledApplication compiled, String bootstrapServers, Consumer<String> progress) {
        RouteFile file = compiled.file();
        this.compiled = compiled;
        this.config = StreamsConfigFactory.forRun(file, bootstrapServers);
        this.progress = progress;
    }

    public CompiledApplication compiled() {
        return compiled;
    }

    /** Creates missing topics; throws {@link TopicProvisioner.TopicConflictException} if existing ones conflict. */
    public void provision() throws InterruptedException {
        if (provisioned) {
            return;
        }
        try (Admin admin = Admin.create(StreamsConfigFactory.clientProperties(compiled.file(), config.getProperty("bootstrap.servers")))) {
            new TopicProvisioner(admin, progress).provision(compiled.topics());
            if (!StreamsConfigFactory.namesStateDir(compiled.file())) {
                StreamsConfigFactory.stateDirForCluster(compiled.file(), config, clusterId(admin))
                        .ifPresent(dir -> config.put(StreamsConfig.STATE_DIR_CONFIG, dir));
            }
        }
        provisioned = true;
    }

    /** The cluster's id; null if the broker does not say (the state folder then has no cluster subfolder). */
    private String clusterId(Admin admin) throws InterruptedException {
        try {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            progress.accept("warning: cannot read the cluster's id (" + (e.getCause() == null ? e : e.getCause()).toString()
                    + "): the local state goes to " + config.getProperty(StreamsConfig.STATE_DIR_CONFIG) + " without a folder per cluster");
            return null;
        }
    }

    /** Provisions topics (if not done yet) and starts processing; returns once the streams have started (not yet RUNNING). */
    public void start() throws InterruptedException {
        provision();
        streams = new KafkaStreams(compiled.topology(), config);
        String application = compiled.file().application();
        streams.setUncaughtExceptionHandler(e -> {
            // A missing ACL fails every replacement thread the same way: stop, naming it, instead of looping.
            Optional<NotAuthorizedException> denied = NotAuthorizedException.explain(e,
                    topic -> NotAuthorizedException.fromProducer(e) ? "Write" : "Read", application, application + "-");
            if (denied.isPresent()) {
                failure = denied.get();
                progress.accept("error: " + failure.getMessage());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            Optional<AuthenticationException> unauthenticated = authenticationCause(e);
            if (unauthenticated.isPresent()) {
                failure = NotAuthorizedException.unauthenticated(unauthenticated.get());
                progress.accept("error: " + failure.getMessage());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            progress.accept("stream thread failed, replacing it: " + causes(e));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            progress.accept("state " + before + " -> " + now);
            stateListeners.forEach(l -> l.accept(now));
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        if (metrics.enabled()) {
            // Kafka Streams' own metrics (threads, tasks, the clients', consumer lag per partition) as kafka_* meters.
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(metrics.registry());
        }
        streams.start();
        Object interval = config.get(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG);
        purger = RepartitionPurger.start(compiled.topics(), compiled.file().application(),
                StreamsConfigFactory.clientProperties(compiled.file(), config.getProperty("bootstrap.servers")),
                interval == null ? RepartitionPurger.DEFAULT_INTERVAL : Duration.ofMillis(Long.parseLong(interval.toString())), progress);
    }

    /** Called on every state change of the streams (e.g. to publish health). */
    public void onStateChange(Consumer<KafkaStreams.State> listener) {
        stateListeners.add(listener);
    }

    /** The exception and each of its causes, without stack frames. */
    static String causes(Throwable failure) {
        StringBuilder out = new StringBuilder(String.valueOf(failure));
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            out.append("; caused by ").append(t);
        }
        return out.toString();
    }

    private static Optional<AuthenticationException> authenticationCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException a) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Why the streams stopped on their own, when they did for a reason Hyphae explains (a permission the broker refused). */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Waits until every stream thread runs (tables restored), or throws after the timeout. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || state() == KafkaStreams.State.ERROR || state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the application did not reach RUNNING within " + timeout.toSeconds() + " s (state " + state() + ")");
            }
            Thread.sleep(100);
        }
    }

    public java.util.Properties config() {
        return config;
    }

    /** Blocks until the streams stop (after {@link #close()} or a fatal error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (purger != null) {
            purger.close();
        }
        if (streams != null) {
            // Leave the group: a restart (or the other instances) take over at once instead of after the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            // close() returns once the state is NOT_RUNNING, possibly before the state listeners have heard of
            // it; a process exiting now would cut them short (a state file would still say PENDING_SHUTDOWN).
            try {
                stopped.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        stopped.countDown();
    }
}
