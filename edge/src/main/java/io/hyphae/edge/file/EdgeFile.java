package io.hyphae.edge.file;

import io.hyphae.route.RegistrySettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A loaded edge file: the node, its broker and registry, its SQLite file, and what it mirrors and publishes. */
public record EdgeFile(String fileName, String node, Path database, Optional<String> bootstrap, Map<String, String> kafkaProperties,
                       RegistrySettings registry, String rejectedTable, List<MirrorDefinition> mirrors, List<PublishDefinition> publishes) {

    public EdgeFile {
        kafkaProperties = Map.copyOf(kafkaProperties);
        mirrors = List.copyOf(mirrors);
        publishes = List.copyOf(publishes);
    }
}
