package io.hyphae.it;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Apache Kafka's official image under Testcontainers, used only where a Docker engine answers. */
final class ContainerKafkaCluster implements KafkaCluster {

    static final String IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    ContainerKafkaCluster() {
        container = new KafkaContainer(IMAGE);
        container.start();
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String kind() {
        return "container " + IMAGE;
    }

    @Override
    public void close() {
        container.stop();
    }
}
