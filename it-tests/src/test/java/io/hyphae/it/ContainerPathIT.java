package io.hyphae.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Testcontainers path runs where a Docker engine answers and is skipped, with a reason, elsewhere. */
class ContainerPathIT {

    @Test
    void startsTheOfficialImageWhereDockerRuns() throws Exception {
        Assumptions.assumeTrue(ContainerKafkaCluster.dockerAvailable(), "no Docker engine reachable: the Testcontainers path is skipped");
        try (ContainerKafkaCluster cluster = new ContainerKafkaCluster()) {
            assertThat(cluster.bootstrapServers()).contains(":");
        }
    }
}
