package io.hyphae.cli;

import io.hyphae.format.Formats;
import io.hyphae.format.JsonFormat;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;
import io.hyphae.format.Values;
import io.hyphae.route.RouteFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

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
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        PrintWriter out = spec.commandLine().getOut();
        JsonFormat json = new JsonFormat();
        Optional<AvroWriter> avro = avroSchema == null ? Optional.empty() : Optional.of(avroWriter(routes));
        int sent = 0;
        int lineNumber = 0;
        List<Future<?>> pending = new ArrayList<>();
        try (BufferedReader reader = input == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String key = null;
                String value = line;
                if (keySeparator != null) {
                    int at = line.indexOf(keySeparator);
                    if (at >= 0) {
                        key = line.substring(0, at);
                        value = line.substring(at + keySeparator.length());
                    }
                } else if (keyField != null) {
                    key = keyOf(json, line);
                }
                RecordHeaders recordHeaders = new RecordHeaders();
                headers.forEach((k, v) -> recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                if (avro.isPresent()) {
                    try {
                        bytes = avro.get().format.encode(topic, avro.get().schema, json.decode(topic, bytes));
                    } catch (io.hyphae.format.avro.SchemaRegistryException e) {
                        // The schema itself was refused (incompatible, say): nothing is sent with it.
                        throw new IllegalStateException("the schema registry refused " + avroSchema + ": " + e.getMessage(), e);
                    } catch (RuntimeException e) {
                        spec.commandLine().getErr().printf("%s line %d: sent as it is, not as Avro: %s%n",
                                input == null ? "stdin" : input.toString(), lineNumber, e.getMessage());
                    }
                }
                pending.add(producer.send(new ProducerRecord<>(topic, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        bytes, recordHeaders)));
                sent++;
            }
            producer.flush();
            for (Future<?> f : pending) {
                f.get();
            }
        }
        out.printf("sent %d record%s to %s%n", sent, sent == 1 ? "" : "s", topic);
        out.flush();
        return 0;
    }

    private record AvroWriter(AvroFormat format, Schema schema) {
    }

    private AvroWriter avroWriter(Optional<RouteFile> routes) throws Exception {
        Schema schema;
        try {
            schema = new Schema.Parser().parse(avroSchema.toFile());
        } catch (java.io.IOException | org.apache.avro.SchemaParseException e) {
            throw new IllegalArgumentException("cannot read the Avro schema " + avroSchema + ": " + e.getMessage());
        }
        RegistrySettings settings = routes.map(RouteFile::registry).orElse(RegistrySettings.NONE)
                .withUrl(client.resolveRegistryUrl(routes, LocalCommand.printer(spec, true)));
        AvroFormat format = (AvroFormat) new Formats(settings).of(Format.AVRO, Optional.empty());
        return new AvroWriter(format, schema);
    }

    /** The key field's text, or null for a line that is not JSON or lacks the field (it is still sent). */
    private String keyOf(JsonFormat json, String line) {
        try {
            Object v = Values.get(json.decode(topic, line.getBytes(StandardCharsets.UTF_8)), Values.path(keyField));
            return Values.isNull(v) ? null : String.valueOf(v);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
