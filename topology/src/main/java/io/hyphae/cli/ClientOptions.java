package io.hyphae.cli;

import io.hyphae.route.RouteFile;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Where the cluster is and how to talk to it; shared by the commands that connect to Kafka. */
final class ClientOptions {

    static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers. Default: the route file's kafka.bootstrap, else $" + BOOTSTRAP_ENV + ".")
    String bootstrap;

    @Option(names = {"-X", "--property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka client setting (security.protocol, sasl.*, ssl.* ...); repeatable. Applied after the route file's kafka.properties.")
    Map<String, String> properties = new LinkedHashMap<>();

    /** The bootstrap servers in force: option, then route file, then environment. */
    Optional<String> bootstrap(Optional<RouteFile> file) {
        if (bootstrap != null && !bootstrap.isBlank()) {
            return Optional.of(bootstrap);
        }
        Optional<String> fromFile = file.flatMap(f -> f.kafka().bootstrapServers());
        if (fromFile.isPresent()) {
            return fromFile;
        }
        return Optional.ofNullable(System.getenv(BOOTSTRAP_ENV)).filter(s -> !s.isBlank());
    }

    String requireBootstrap(Optional<RouteFile> file) {
        return bootstrap(file).orElseThrow(() -> new IllegalArgumentException(
                "no Kafka bootstrap servers: pass --bootstrap-server, set kafka.bootstrap in the route file or $" + BOOTSTRAP_ENV));
    }

    /** Client settings: the route file's kafka.properties, then -X options. */
    Properties clientProperties(Optional<RouteFile> file, String bootstrapServers) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        file.ifPresent(f -> props.putAll(f.kafka().properties()));
        props.putAll(properties);
        return props;
    }
}
