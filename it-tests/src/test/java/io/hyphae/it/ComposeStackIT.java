package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run here (no Docker engine), so its promises are checked on the parsed
 * file: every service, port, health check and volume the README names.
 */
class ComposeStackIT {

    private final JsonNode compose = read(Path.of("../docker-compose.yml"));

    private static JsonNode read(Path path) {
        try {
            return new YAMLMapper().readTree(path.toFile());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyServiceHasAHealthCheckAndPublishesOnLoopbackOnly() {
        JsonNode services = compose.get("services");
        assertThat(services.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("kafka", "schema-registry", "connect", "mosquitto", "rabbitmq", "hyphae");
        services.properties().forEach(e -> {
            JsonNode service = e.getValue();
            assertThat(service.at("/healthcheck/test").isArray()).as(e.getKey() + " health check").isTrue();
            service.path("ports").forEach(p -> assertThat(p.asText()).as(e.getKey() + " port").startsWith("127.0.0.1:"));
        });
        assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:");
        assertThat(services.at("/schema-registry/image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(services.at("/kafka/ports/0").asText()).isEqualTo("127.0.0.1:9092:9094");
    }

    @Test
    void theAppRunsTheMountedExampleAgainstTheStackOnceItIsHealthy() throws Exception {
        JsonNode app = compose.at("/services/hyphae");
        assertThat(app.at("/build").asText()).isEqualTo(".");
        assertThat(app.at("/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        assertThat(app.at("/environment/KAFKA_BOOTSTRAP").asText()).isEqualTo("kafka:9092");
        assertThat(app.at("/volumes/0").asText()).isEqualTo("./examples/insurance:/hyphae/examples/insurance:ro");
        assertThat(app.at("/volumes/1").asText()).isEqualTo("./schemas:/hyphae/schemas:ro");
        // The route file's relative schema paths resolve inside the container as they do in the repository.
        assertThat(Path.of("/hyphae/examples/insurance").resolve("../../schemas/avro/insurance/GeoRisk.avsc").normalize())
                .isEqualTo(Path.of("/hyphae/schemas/avro/insurance/GeoRisk.avsc"));
        assertThat(Files.readString(Path.of("../examples/insurance/insurance.yaml"))).contains("schema: ../../schemas/avro/insurance/GeoRisk.avsc");
        assertThat(app.at("/environment/SCHEMA_REGISTRY_URL").asText()).isEqualTo("http://schema-registry:8081");
        List<String> command = new YAMLMapper().convertValue(app.get("command"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertThat(command).containsSequence("run", "/hyphae/examples/insurance/insurance.yaml");
        assertThat(Path.of("../examples/insurance/insurance.yaml")).exists();
        // The example reads its bootstrap servers from KAFKA_BOOTSTRAP, which the compose file sets.
        assertThat(Files.readString(Path.of("../examples/insurance/insurance.yaml"))).contains("${KAFKA_BOOTSTRAP:}");
        String dockerfile = Files.readString(Path.of("../Dockerfile"));
        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build").contains("FROM eclipse-temurin:17-jre")
                .contains("USER hyphae");
        assertThat(compose.at("/services/connect/volumes/0").asText()).startsWith("./deploy/connect-distributed.properties:");
        // The build stage sees every module the parent pom lists, or Maven refuses to start.
        String parent = Files.readString(Path.of("../pom.xml"));
        java.util.regex.Matcher module = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (module.find()) {
            String name = module.group(1);
            assertThat(dockerfile).as("module " + name).containsPattern("COPY " + name + "(/pom\\.xml)? " + name);
        }
        assertThat(Path.of("../deploy/connect-distributed.properties")).exists();
    }
}
