package io.hyphae.cli;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFile;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "produce",
        description = {"Send records to a topic, one per line.",
            "Reads a file or standard input; blank lines are skipped. The key comes from a field of each JSON line "
                + "(--key-field), from a prefix before a separator (--key-separator, as kcat -K), or is null. Lines are sent "
                + "as they are: invalid JSON is sent too, which is how to feed a route a bad record on purpose."},
        mixinStandardHelpOptions = true)
final class ProduceCommand implements Callable<Integer> {

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "The topic to write to.")
    String topic;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read records from FILE instead of standard input.")
    Path input;

    @Option(names = {"-k", "--key-field"}, paramLabel = "PATH", description = "Use this (dotted) field of each JSON line as the key.")
    String keyField;

    @Option(names = {"-K", "--key-separator"}, paramLabel = "SEP", description = "Each line is KEY<SEP>VALUE.")
    String keySeparator;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "A header to add to every record; repeatable.")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = {"-f", "--file"}, paramLabel = "ROUTE_FILE", description = "Take bootstrap servers, client and registry settings from this route file.")
    Path routeFile;

    @Option(names = {"-a", "--avro-schema"}, paramLabel = "AVSC",
            description = "Write each JSON line as Avro of this schema, in the Confluent wire format (registering it under <topic>-value). "
                    + "A line that is not JSON or does not fit the schema is sent as it is, with a warning.")
    Path avroSchema;

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (keyField != null && keySeparator != null) {
            throw new IllegalArgumentException("use either --key-field or --key-separator, not both");
        }
        Optional<RouteFile> routes = routeFile == null ? Optional.empty() : Optional.of(RouteFileOption.load(routeFile, spec.commandLine().getErr()));
        String bootstrap = client.resolveBootstrap(routes, LocalCommand.printer(spec, true));
        Properties props = client.clientProperties(routes, bootstrap);
        PrintWriter out = spec.commandLine().getOut();
        Optional<LineProducer.AvroWriter> avro = avroSchema == null ? Optional.empty() : Optional.of(avroWriter(routes));
        LineProducer.KeyRule keys = new LineProducer.KeyRule(keyField, keySeparator);
        int sent;
        try (BufferedReader reader = input == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            sent = new LineProducer(props, spec.commandLine().getErr()).send(topic, reader, input == null ? "stdin" : input.toString(),
                    keys, headers, avro);
        }
        out.printf("sent %d record%s to %s%n", sent, sent == 1 ? "" : "s", topic);
        out.flush();
        return 0;
    }

    private LineProducer.AvroWriter avroWriter(Optional<RouteFile> routes) throws Exception {
        Schema schema;
        try {
            schema = new Schema.Parser().parse(avroSchema.toFile());
        } catch (java.io.IOException | org.apache.avro.SchemaParseException e) {
            throw new IllegalArgumentException("cannot read the Avro schema " + avroSchema + ": " + e.getMessage());
        }
        RegistrySettings settings = routes.map(RouteFile::registry).orElse(RegistrySettings.NONE)
                .withUrl(client.resolveRegistryUrl(routes, LocalCommand.printer(spec, true)));
        AvroFormat format = (AvroFormat) new Formats(settings).of(Format.AVRO, Optional.empty());
        return new LineProducer.AvroWriter(format, schema, avroSchema.toString());
    }
}
