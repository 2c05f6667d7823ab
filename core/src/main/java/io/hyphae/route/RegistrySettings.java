package io.hyphae.route;

import java.util.Map;
import java.util.Optional;

/**
 * The Confluent-compatible schema registry Avro routes use. {@code basicAuth} is {@code user:password};
 * {@code properties} carry TLS settings ({@code ssl.truststore.location}, {@code ssl.truststore.password},
 * {@code ssl.truststore.type}, {@code ssl.keystore.*} for client certificates).
 */
public record RegistrySettings(Optional<String> url, Optional<String> basicAuth, Map<String, String> properties,
                               boolean autoRegister, SubjectStrategy subjectStrategy) {

    public static final RegistrySettings NONE = new RegistrySettings(Optional.empty(), Optional.empty(), Map.of(), true, SubjectStrategy.TOPIC);

    public RegistrySettings withUrl(String newUrl) {
        return new RegistrySettings(Optional.of(newUrl), basicAuth, properties, autoRegister, subjectStrategy);
    }
}
