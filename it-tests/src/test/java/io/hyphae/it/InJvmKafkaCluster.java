package io.hyphae.it;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Apache Kafka's own broker (KRaft, combined mode, one node) inside the test JVM. The only class that
 * touches {@link KafkaClusterTestKit}, an internal API of Kafka's test kit.
 */
final class InJvmKafkaCluster implements KafkaCluster {

    private final KafkaClusterTestKit cluster;

    InJvmKafkaCluster() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                // Without it the kit formats the newest, possibly unreleased, metadata version.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "3")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String kind() {
        return "in-JVM broker (KafkaClusterTestKit)";
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
