package io.hyphae.it;

/** A real Kafka cluster the integration tests run against. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** How it was obtained: external, container or in-JVM. */
    String kind();

    @Override
    void close() throws Exception;
}
