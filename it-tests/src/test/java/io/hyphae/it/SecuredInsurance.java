package io.hyphae.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shipped insurance example (Avro) on a {@link SecuredKafkaCluster}: the route file with security settings in its
 * {@code kafka.properties}, renamed for a fresh application when asked, and the super user loading its table and events.
 */
final class SecuredInsurance {

    static final Path EXAMPLE = Path.of("../examples/insurance");

    final String app;
    final Path file;
    final SecuredKafkaCluster cluster;
    final String registryUrl;

    /**
     * @param app        the application id; "insurance" keeps the example's names, any other renames every topic under it
     * @param properties the lines of kafka.properties, e.g. {@code sasl.mechanism: SCRAM-SHA-512}
     */
    SecuredInsurance(SecuredKafkaCluster cluster, String registryUrl, Path dir, String app, List<String> properties) throws Exception {
        this(cluster, registryUrl, dir, app, properties, List.of());
    }

    /** @param registry more lines of the registry section, e.g. {@code basicAuth: ${REGISTRY_USER_INFO}} */
    SecuredInsurance(SecuredKafkaCluster cluster, String registryUrl, Path dir, String app, List<String> properties,
                     List<String> registry) throws Exception {
        this.cluster = cluster;
        this.registryUrl = registryUrl;
        this.app = app;
        String text = Files.readString(EXAMPLE.resolve("insurance.yaml"));
        if (!app.equals("insurance")) {
            text = text.replace("application: insurance", "application: " + app)
                    .replace("insurance.", app + ".")
                    .replace("geo.accident-volume", app + ".geo.accident-volume")
                    .replace("customer.address-changed", app + ".customer.address-changed");
        }
        text = text.replace("../../schemas/", EXAMPLE.resolve("../../schemas").toAbsolutePath().normalize() + "/");
        StringBuilder kafka = new StringBuilder("  bootstrap: ${KAFKA_BOOTSTRAP:}\n  properties:\n");
        properties.forEach(p -> kafka.append("    ").append(p).append('\n'));
        String bootstrapLine = "  bootstrap: ${KAFKA_BOOTSTRAP:}\n";
        if (!text.contains(bootstrapLine)) {
            throw new IllegalStateException("the example's kafka section changed");
        }
        text = text.replace(bootstrapLine, kafka.toString());
        String urlLine = "  url: ${SCHEMA_REGISTRY_URL:}\n";
        StringBuilder registrySection = new StringBuilder(urlLine);
        registry.forEach(l -> registrySection.append("  ").append(l).append('\n'));
        text = text.replace(urlLine, registrySection.toString());
        file = dir.resolve(app + ".yaml");
        Files.writeString(file, text);
    }

    String table() {
        return app.equals("insurance") ? "geo.accident-volume" : app + ".geo.accident-volume";
    }

    String input() {
        return app.equals("insurance") ? "customer.address-changed" : app + ".customer.address-changed";
    }

    String topic(String suffix) {
        return app + "." + suffix;
    }

    /** The table topic, compacted, created by the super user as the team that owns the reference data would. */
    void createTable() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(table(), 3, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
    }

    /** The example's table rows, as the super user. */
    void loadTable() {
        produce(table(), EXAMPLE.resolve("geo-risk.jsonl"), "postalCode", "GeoRisk.avsc");
    }

    /** The example's eight address changes (four of them dead letters), as the super user. */
    void loadEvents() {
        produce(input(), EXAMPLE.resolve("address-changed.jsonl"), "customerId", "AddressChanged.avsc");
    }

    void produce(String topic, Path lines, String keyField, String schema) {
        Cli produced = Cli.run(withAdmin("produce", "-t", topic, "-i", lines.toString(), "-k", keyField,
                "-a", EXAMPLE.resolve("../../schemas/avro/insurance/" + schema).toString()));
        if (produced.code() != 0) {
            throw new AssertionError("produce to " + topic + " failed: " + produced.out() + produced.err());
        }
    }

    /** A hyphae command line as the super user: bootstrap, registry and its SASL/TLS settings given as options. */
    String[] withAdmin(String... args) {
        List<String> out = new ArrayList<>(List.of(args));
        out.addAll(List.of("-b", cluster.bootstrapServers(), "--no-local", "--registry-url", registryUrl));
        cluster.adminClient().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                out.addAll(List.of("-X", k + "=" + v));
            }
        });
        return out.toArray(String[]::new);
    }

    /** The super user's view of the topics, read_committed. */
    Kafka kafka() {
        return new Kafka(cluster.adminClient());
    }
}
