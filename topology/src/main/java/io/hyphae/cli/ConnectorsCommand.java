package io.hyphae.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.SubscriberConnectors;
import io.hyphae.connect.SubscriberStatuses;
import io.hyphae.connect.TableConnectors;
import io.hyphae.connect.cdc.TableSourceConnectorConfig;
import io.hyphae.plan.CheckedBridge;
import io.hyphae.plan.CheckedFile;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.plan.TopicNames;
import io.hyphae.local.LocalKafka;
import io.hyphae.route.Format;
import io.hyphae.route.PostgresSource;
import io.hyphae.route.TableDefinition;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code hyphae connectors}: the Kafka Connect connectors a route file implies (one per table source, one per
 * subscriber, one per bridge).
 */
@Command(name = "connectors",
        description = {"The Kafka Connect connectors a route file implies: one Debezium PostgreSQL source connector per table "
                + "with a source (named <application>-table-<name>), one webhook sink connector per subscriber, "
                + "named <application>-subscriber-<name>, with its dead-letter topic <application>.subscriber.<name>.dlq; "
                + "one MQTT or RabbitMQ connector per bridge, named <application>-bridge-<name>, with its dead-letter topic "
                + "<application>.bridge.<name>.dlq; and, when the HTTP API's subscribers are in use (the topic <application>.subscribers "
                + "exists), one fan-out connector <application>-subscribers for all of them."},
        mixinStandardHelpOptions = true,
        subcommands = {ConnectorsCommand.Render.class, ConnectorsCommand.Apply.class, ConnectorsCommand.Status.class})
final class ConnectorsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The worker the options name, or the local one on the local broker; an error when there is none. */
    static ConnectRestClient worker(ClientOptions client, CheckedFile checked, String bootstrap, Consumer<String> progress)
            throws IOException, InterruptedException {
        return client.resolveConnect(Optional.of(checked.file()), bootstrap, progress).map(ConnectRestClient::new).orElseThrow(() ->
                new IllegalArgumentException("no Kafka Connect worker: give its REST URL with --connect-url or $" + ClientOptions.CONNECT_ENV));
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Print the connectors' configurations as JSON, in the form POST /connectors takes ({\"name\", \"config\"}); "
                    + "signing secrets and passwords are masked."})
    static final class Render implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The route file.")
        Path file;

        @Option(names = "--runtime-subscribers",
                description = "Also the fan-out connector <application>-subscribers that delivers the subscribers of the HTTP API "
                        + "(hyphae serve); its task's Kafka settings are the bootstrap servers (-b, kafka.bootstrap, $KAFKA_BOOTSTRAP, else "
                        + "the local broker's address) and -X properties. 'apply', 'status' and 'run' include it when the topic "
                        + "<application>.subscribers exists.")
        boolean runtimeSubscribers;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
            Optional<Properties> runtime = runtimeSubscribers
                    ? Optional.of(client.clientProperties(Optional.of(checked.file()),
                            client.bootstrap(Optional.of(checked.file())).orElse(LocalKafka.atDefault().bootstrapServers())))
                    : Optional.empty();
            List<Map<String, Object>> out = SubscriberConnectors.renderAll(checked, false, runtime).entrySet().stream()
                    .map(e -> {
                        Map<String, Object> connector = new LinkedHashMap<>();
                        connector.put("name", e.getKey());
                        connector.put("config", e.getValue());
                        return connector;
                    }).toList();
            PrintWriter w = spec.commandLine().getOut();
            w.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            w.flush();
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Create or update the connectors on a Kafka Connect worker (PUT /connectors/<name>/config; "
                    + "running it again changes nothing). Without --connect-url or $HYPHAE_CONNECT_URL, on the local broker, "
                    + "the local worker is started if needed."})
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The route file.")
        Path file;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
            var progress = LocalCommand.printer(spec);
            String bootstrap = client.resolveBootstrap(Optional.of(checked.file()), progress);
            Optional<Properties> runtime = client.runtimeSubscriptions(checked, bootstrap);
            if (!SubscriberConnectors.any(checked) && runtime.isEmpty()) {
                progress.accept(file + " has no subscribers, bridges or table sources, and no subscribers of the HTTP API in "
                        + TopicNames.subscriptions(checked.file().application()) + ": nothing to apply");
                return 0;
            }
            // an Avro table's rows are written with the registry the stream app reads them with
            CheckedFile resolved = TableConnectors.sourced(checked.file()).stream().anyMatch(t -> t.format() == Format.AVRO)
                    ? checked.withFile(client.resolveRegistry(checked.file(), progress)) : checked;
            SubscriberConnectors.apply(resolved, worker(client, checked, bootstrap, progress), progress, runtime);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Per table source: the connector's and its task's states, whether it is snapshotting or streaming "
                    + "(with the time of the last change it read and how long ago that was) and the records in the table's topic. "
                    + "Per subscriber and bridge: the connector's and its tasks' states (with the reason of a failed task, e.g. a "
                    + "subscriber that answered 410 Gone), the records not yet delivered (the connector's consumer lag) and "
                    + "the records in its dead-letter topic."})
    static final class Status implements Callable<Integer> {
        private static final long PENDING_CAP = 10_000;

        @Parameters(paramLabel = "FILE", description = "The route file.")
        Path file;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CheckedFile checked = RouteFileOption.loadChecked(file, spec.commandLine().getErr());
            var progress = LocalCommand.printer(spec, true);
            PrintWriter out = spec.commandLine().getOut();
            String bootstrap = client.resolveBootstrap(Optional.of(checked.file()), progress);
            Optional<Properties> runtime = client.runtimeSubscriptions(checked, bootstrap);
            if (!SubscriberConnectors.any(checked) && runtime.isEmpty()) {
                out.println(file + " has no subscribers, bridges or table sources");
                out.flush();
                return 0;
            }
            ConnectRestClient worker = worker(client, checked, bootstrap, progress);
            boolean healthy = true;
            Properties props = client.clientProperties(Optional.of(checked.file()), bootstrap);
            try (Admin admin = Admin.create(props)) {
                for (TableDefinition t : TableConnectors.sourced(checked.file())) {
                    healthy &= tableStatus(worker, admin, checked, t, out);
                }
                for (CheckedSubscriber s : checked.subscribers()) {
                    String state;
                    Optional<ConnectRestClient.ConnectorStatus> status = status(worker, s.connector());
                    if (status.isEmpty()) {
                        state = "NOT APPLIED (run 'hyphae connectors apply " + file + "')";
                        healthy = false;
                    } else {
                        ConnectRestClient.ConnectorStatus st = status.get();
                        state = st.connector().state() + ", tasks " + st.tasks().stream().map(t -> t.id() + ":" + t.state())
                                .collect(Collectors.joining(" "));
                        healthy &= st.running();
                    }
                    long pending = SubscriberProgress.pendingRecords(admin, props, s, PENDING_CAP);
                    out.printf("%s -> %s%n  connector %s: %s%n  to deliver: %s record(s) of %s; dead-lettered: %d in %s%n",
                            s.definition().name(), s.definition().url(), s.connector(), state,
                            pending >= PENDING_CAP ? "at least " + PENDING_CAP : Long.toString(pending), s.topic(),
                            SubscriberProgress.deadLettered(admin, s), s.deadLetterTopic());
                    status.ifPresent(st -> st.tasks().forEach(t -> t.trace().ifPresent(trace ->
                            printReason(out, t.id(), reason(trace), "subscriber " + s.definition().name()))));
                }
                for (CheckedBridge b : checked.bridges()) {
                    Optional<ConnectRestClient.ConnectorStatus> status = status(worker, b.connector());
                    String state;
                    if (status.isEmpty()) {
                        state = "NOT APPLIED (run 'hyphae connectors apply " + file + "')";
                        healthy = false;
                    } else {
                        ConnectRestClient.ConnectorStatus st = status.get();
                        state = st.connector().state() + ", tasks " + st.tasks().stream().map(t -> t.id() + ":" + t.state())
                                .collect(Collectors.joining(" "));
                        healthy &= st.running();
                    }
                    boolean in = b.definition().direction() == BridgeDefinition.Direction.IN;
                    out.printf("%s: %s %s %s%n  connector %s: %s%n", b.definition().name(), b.definition().protocol(), in ? "->" : "<-",
                            b.topic(), b.connector(), state);
                    if (!in) {
                        long pending = SubscriberProgress.pending(admin, b.connector(), b.topic());
                        out.printf("  to publish: %s offset(s) of %s%n", pending < 0 ? "unknown" : Long.toString(pending), b.topic());
                    }
                    out.printf("  dead-lettered: %d in %s%n", SubscriberProgress.deadLettered(admin, b.deadLetterTopic()), b.deadLetterTopic());
                    status.ifPresent(st -> st.tasks().forEach(t -> t.trace().ifPresent(trace ->
                            printReason(out, t.id(), reason(trace), "bridge " + b.definition().name()))));
                }
                if (runtime.isPresent()) {
                    healthy &= runtimeStatus(worker, checked, props, out);
                }
            }
            out.flush();
            return healthy ? 0 : 1;
        }

        /** The fan-out connector's state, then per subscriber of the HTTP API what its tasks last reported. */
        private boolean runtimeStatus(ConnectRestClient worker, CheckedFile checked, Properties props, PrintWriter out) throws Exception {
            String application = checked.file().application();
            String name = TopicNames.fanOutConnector(application);
            Optional<ConnectRestClient.ConnectorStatus> status = status(worker, name);
            boolean healthy;
            String state;
            if (status.isEmpty()) {
                state = "NOT APPLIED (run 'hyphae connectors apply " + file + "')";
                healthy = false;
            } else {
                ConnectRestClient.ConnectorStatus st = status.get();
                state = st.connector().state() + ", tasks " + st.tasks().stream().map(t -> t.id() + ":" + t.state()).collect(Collectors.joining(" "));
                healthy = st.running();
            }
            out.printf("subscribers of the HTTP API (%s)%n  connector %s: %s%n", TopicNames.subscriptions(application), name, state);
            status.ifPresent(st -> st.tasks().forEach(t -> t.trace().ifPresent(trace -> out.printf("  task %d: %s%n", t.id(), reason(trace)))));
            SubscriberStatuses.read(props, TopicNames.subscriberStatus(application), Duration.ofSeconds(30)).forEach((subscriber, s) ->
                    out.printf("  %s: delivered %d, retried %d, dead-lettered %d (in %s), filtered out %d, pending %d%s%s%n", subscriber,
                            s.delivered(), s.retried(), s.deadLettered(), TopicNames.subscriberDeadLetter(application, subscriber), s.filtered(),
                            s.pending(), s.behind() ? ", behind (at its backlog bound)" : "", s.paused().map(p -> ", PAUSED: " + p).orElse("")));
            return healthy;
        }

        /** A table source: its connector's and task's states, whether it snapshots or streams, and the rows in the table's topic. */
        private boolean tableStatus(ConnectRestClient worker, Admin admin, CheckedFile checked, TableDefinition t, PrintWriter out) throws Exception {
            String name = TableSourceConnectorConfig.connector(checked.file(), t);
            PostgresSource pg = t.source().orElseThrow();
            Optional<ConnectRestClient.ConnectorStatus> status = status(worker, name);
            out.printf("table %s <- postgres %s:%d/%s %s%n", t.name(), pg.host(), pg.port(), pg.database(), pg.qualifiedTable());
            boolean healthy;
            if (status.isEmpty()) {
                out.printf("  connector %s: NOT APPLIED (run 'hyphae connectors apply %s')%n", name, file);
                healthy = false;
            } else {
                ConnectRestClient.ConnectorStatus st = status.get();
                out.printf("  connector %s: %s, tasks %s%n", name, st.connector().state(),
                        st.tasks().stream().map(task -> task.id() + ":" + task.state()).collect(Collectors.joining(" ")));
                out.printf("  %s%n", TableSourcePhase.describe(worker.offsets(name), Instant.now()));
                st.tasks().forEach(task -> task.trace().ifPresent(trace -> printReason(out, task.id(), reason(trace), "table " + t.name())));
                healthy = st.running();
            }
            out.printf("  rows written: %d record(s) in %s (rows and tombstones since the topic began)%n", TableSourcePhase.records(admin, t.topic()), t.topic());
            return healthy;
        }

        /**
         * A failed task's reason; when the broker refused the worker's principal, also where the ACLs it needs are
         * (the broker does not always say which resource, e.g. "Authorization failed." for a dead-letter topic).
         */
        private void printReason(PrintWriter out, int task, String reason, String section) {
            out.printf("  task %d: %s%n", task, reason);
            if (reason.contains("AuthorizationException")) {
                out.printf("  the broker refused the Connect worker's principal: grant it the ACLs 'hyphae acls %s --connect-principal"
                        + " <principal>' prints under '# %s'%n", file, section);
            }
        }

        /**
         * The reason in a failed task's trace: its root cause (the worker wraps what the task threw in "Exiting
         * WorkerSinkTask due to unrecoverable exception", which says nothing), else its first line.
         */
        static String reason(String trace) {
            String first = trace.lines().findFirst().orElse(trace);
            return trace.lines().map(String::strip).filter(l -> l.startsWith("Caused by: ")).reduce((a, b) -> b)
                    .map(l -> l.substring("Caused by: ".length())).orElse(first);
        }

        private static Optional<ConnectRestClient.ConnectorStatus> status(ConnectRestClient worker, String name) throws Exception {
            try {
                return Optional.of(worker.status(name));
            } catch (ConnectRestClient.ConnectRestException e) {
                if (e.status() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        }
    }
}
