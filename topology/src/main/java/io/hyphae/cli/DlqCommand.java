package io.hyphae.cli;

import io.hyphae.client.TopicReader;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.event.LineageHeaders;
import io.hyphae.plan.TopicNames;
import io.hyphae.runtime.NotAuthorizedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "dlq",
        description = {"Inspect a route's dead letters, or replay them into its input after a fix.",
            "'inspect' prints each dead-letter record with the failing stage and the reason. 'replay' sends every dead "
                + "letter not replayed before back to the route's input topic, with its original key and value bytes, "
                + "exactly once: reading, writing and remembering how far it got happen in one transaction, so running "
                + "it again replays only dead letters that arrived since."},
        mixinStandardHelpOptions = true,
        subcommands = {DlqCommand.Inspect.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {

    /** How long reading a dead-letter topic to its end may take before the command gives up. */
    static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both subcommands share: the route file, the route, the cluster. */
    static class Target {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "ROUTE_FILE", description = "The route file.")
        Path file;

        @Parameters(index = "0", paramLabel = "ROUTE", description = "The route whose dead letters to read.")
        String route;

        @Mixin
        ClientOptions client;

        RouteFile routes;
        RouteDefinition definition;
        String bootstrap;

        void resolve(CommandSpec spec) throws Exception {
            routes = client.resolveRegistry(RouteFileOption.load(file, spec.commandLine().getErr()), LocalCommand.printer(spec, true));
            definition = routes.route(route).orElseThrow(() -> new IllegalArgumentException(
                    "no route '" + route + "' in " + file + "; routes: " + routes.routes().keySet()));
            bootstrap = client.resolveBootstrap(Optional.of(routes), LocalCommand.printer(spec, true));
        }

        String deadLetterTopic() {
            return TopicNames.deadLetter(routes.application(), route);
        }

        Properties props() {
            return client.clientProperties(Optional.of(routes), bootstrap);
        }
    }

    static String text(Header h) {
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Command(name = "inspect", description = "Print a route's dead-letter records with their stage and reason.", mixinStandardHelpOptions = true)
    static final class Inspect implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--width", paramLabel = "CHARS", defaultValue = "200", description = "Cut values to this width; 0 prints them whole (default: ${DEFAULT-VALUE}).")
        int width;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            target.resolve(spec);
            PrintWriter out = spec.commandLine().getOut();
            String topic = target.deadLetterTopic();
            int[] count = {0};
            Display display = new Display(target.routes);
            try (TopicReader reader = new TopicReader(target.props())) {
                reader.assign(reader.partitions(topic, Duration.ofSeconds(30))).seekToBeginning();
                boolean complete = reader.readToEnd(READ_TIMEOUT, batch -> batch.forEach(r -> {
                    count[0]++;
                    String value = display.text(r.topic(), r.value());
                    if (width > 0 && value.length() > width) {
                        value = value.substring(0, width - 3) + "...";
                    }
                    out.printf("%d@%d key=%s stage=%s source=%s%n  reason: %s%n  value:  %s%n", r.partition(), r.offset(),
                            r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8),
                            text(r.headers().lastHeader(LineageHeaders.ERROR_STAGE)),
                            text(r.headers().lastHeader(LineageHeaders.SOURCE)),
                            text(r.headers().lastHeader(LineageHeaders.ERROR_REASON)), value);
                }));
                if (!complete) {
                    spec.commandLine().getErr().println("stopped after " + READ_TIMEOUT.toMinutes() + " minutes before the end of " + topic);
                }
            }
            out.printf("%d dead letter%s in %s%n", count[0], count[0] == 1 ? "" : "s", topic);
            out.flush();
            return 0;
        }
    }

    @Command(name = "replay", description = "Send the dead letters not replayed yet back to the route's input, exactly once.",
            mixinStandardHelpOptions = true)
    static final class Replay implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Spec
        CommandSpec spec;

        /** Consumer group and transactional id of the replay of one route. */
        static String replayId(RouteFile routes, String route) {
            return routes.application() + "." + route + ".dlq-replay";
        }

        @Override
        public Integer call() throws Exception {
            target.resolve(spec);
            String topic = target.deadLetterTopic();
            String input = target.definition.from();
            String id = replayId(target.routes, target.route);
            Properties cp = target.props();
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, id);
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            Properties pp = target.props();
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(TopicSpec.MAX_RECORD_BYTES));
            int[] replayed = {0};
            try {
                try (TopicReader reader = new TopicReader(cp);
                     KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                    producer.initTransactions();
                    // From the replay group's committed offsets: each dead letter is replayed once.
                    reader.assign(reader.partitions(topic, Duration.ofSeconds(30)));
                    boolean complete = reader.readToEnd(READ_TIMEOUT, batch -> {
                        producer.beginTransaction();
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (ConsumerRecord<byte[], byte[]> r : batch) {
                            producer.send(new ProducerRecord<>(input, null, r.timestamp(), r.key(), r.value(), replayHeaders(r)));
                            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                            replayed[0]++;
                        }
                        producer.sendOffsetsToTransaction(offsets, reader.consumer().groupMetadata());
                        producer.commitTransaction();
                    });
                    if (!complete) {
                        spec.commandLine().getErr().println("stopped after " + READ_TIMEOUT.toMinutes() + " minutes; run replay again for the rest");
                    }
                }
            } catch (RuntimeException e) {
                // The replay reads the dead letters and writes the input, as group and transactional id 'id'.
                throw NotAuthorizedException.explain(e, t -> t.equals(input) ? "Write" : "Read", id, id).orElseThrow(() -> e);
            }
            spec.commandLine().getOut().printf("replayed %d dead letter%s from %s into %s%n", replayed[0], replayed[0] == 1 ? "" : "s", topic, input);
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** The input's own headers and where the event first entered; not why it failed last time. */
        private static RecordHeaders replayHeaders(ConsumerRecord<byte[], byte[]> r) {
            RecordHeaders headers = new RecordHeaders();
            for (Header h : r.headers()) {
                if (!h.key().startsWith("hyphae.error.") && !LineageHeaders.isStageScoped(h.key())) {
                    headers.add(h);
                }
            }
            headers.add("hyphae.replayed-from", (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
            return headers;
        }
    }
}
