package io.hyphae.cli;

import io.hyphae.client.TopicReader;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import io.hyphae.route.StageDefinition;
import io.hyphae.plan.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "tap",
        description = {"Print the records of a stage topic, like kcat -C.",
            "STAGE is a stage name of ROUTE, 'dlq' for the route's dead-letter topic, or 'input' for its input topic. "
                + "Prints partition@offset, key and value per record; reads committed records only. Without --follow, "
                + "stops once it has caught up (after --idle-timeout with nothing new)."},
        mixinStandardHelpOptions = true)
final class TapCommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "ROUTE_FILE", description = "The route file that names the topics.")
    Path routeFile;

    @Parameters(index = "0", paramLabel = "ROUTE", description = "A route of the file.")
    String route;

    @Parameters(index = "1", paramLabel = "STAGE", description = "A stage of the route, 'dlq' or 'input'.")
    String stage;

    @Option(names = "--from-end", description = "Only records that arrive from now on (default: from the beginning).")
    boolean fromEnd;

    @Option(names = "--follow", description = "Keep printing new records until interrupted.")
    boolean follow;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--idle-timeout", paramLabel = "MS", defaultValue = "3000",
            description = "Without --follow, stop after this many ms with no new record (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(names = "--headers", description = "Print each record's headers too.")
    boolean showHeaders;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    private Display display;

    @Override
    public Integer call() throws Exception {
        RouteFile routes = client.resolveRegistry(RouteFileOption.load(routeFile, spec.commandLine().getErr()), LocalCommand.printer(spec, true));
        String topic = topicOf(routes);
        display = new Display(routes);
        String bootstrap = client.resolveBootstrap(Optional.of(routes), LocalCommand.printer(spec, true));
        Properties props = client.clientProperties(Optional.of(routes), bootstrap);
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        try (TopicReader reader = new TopicReader(props)) {
            List<TopicPartition> partitions = reader.partitions(topic, Duration.ofSeconds(30));
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist (has the route run yet?)");
            }
            reader.assign(partitions);
            if (fromEnd) {
                reader.seekToEnd();
            } else {
                reader.seekToBeginning();
            }
            long lastRecord = System.currentTimeMillis();
            while (max == null || printed < max) {
                var records = reader.poll();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    print(out, r);
                    printed++;
                    if (max != null && printed >= max) {
                        break;
                    }
                }
                out.flush();
                if (!records.isEmpty()) {
                    lastRecord = System.currentTimeMillis();
                } else if (!follow && System.currentTimeMillis() - lastRecord > idleTimeoutMs) {
                    break;
                }
            }
        }
        spec.commandLine().getErr().printf("%d record%s from %s%n", printed, printed == 1 ? "" : "s", topic);
        return 0;
    }

    private String topicOf(RouteFile routes) {
        RouteDefinition r = routes.route(route).orElseThrow(() -> new IllegalArgumentException(
                "no route '" + route + "' in " + routeFile + "; routes: " + routes.routes().keySet()));
        if (stage.equals("dlq")) {
            return TopicNames.deadLetter(routes.application(), route);
        }
        if (stage.equals("input")) {
            return r.from();
        }
        if (r.stages().stream().noneMatch(s -> s.name().equals(stage))) {
            throw new IllegalArgumentException("route '" + route + "' has no stage '" + stage + "'; stages: "
                    + r.stages().stream().map(StageDefinition::name).collect(Collectors.joining(", ")) + ", dlq, input");
        }
        return TopicNames.stage(routes.application(), route, stage);
    }

    private void print(PrintWriter out, ConsumerRecord<byte[], byte[]> r) {
        StringBuilder line = new StringBuilder();
        line.append(r.partition()).append('@').append(r.offset()).append('\t')
                .append(r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)).append('\t')
                .append(display.text(r.topic(), r.value()));
        if (showHeaders) {
            for (Header h : r.headers()) {
                line.append("\n    ").append(h.key()).append('=').append(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        out.println(line);
    }
}
