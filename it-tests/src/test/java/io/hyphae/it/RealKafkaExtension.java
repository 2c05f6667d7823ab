package io.hyphae.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides one real Kafka cluster to every integration test of the run: the cluster named by
 * {@code HYPHAE_IT_BOOTSTRAP} when set; else a Testcontainers broker when a Docker engine answers;
 * else Apache Kafka's broker started inside the test JVM.
 */
public final class RealKafkaExtension implements ParameterResolver {

    public static final String BOOTSTRAP_ENV = "HYPHAE_IT_BOOTSTRAP";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KafkaCluster.class.getName(), k -> new Holder(start()), Holder.class).cluster;
    }

    private static KafkaCluster start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        try {
            KafkaCluster cluster;
            if (external != null && !external.isBlank()) {
                cluster = new External(external);
            } else if (ContainerKafkaCluster.dockerAvailable()) {
                cluster = new ContainerKafkaCluster();
            } else {
                cluster = new InJvmKafkaCluster();
            }
            System.out.println("integration tests run against " + cluster.kind() + " at " + cluster.bootstrapServers());
            return cluster;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a Kafka broker for the integration tests", e);
        }
    }

    /** Closed by JUnit when the whole run ends. */
    private record Holder(KafkaCluster cluster) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }

    private record External(String bootstrapServers) implements KafkaCluster {
        @Override
        public String kind() {
            return "external cluster ($" + BOOTSTRAP_ENV + ")";
        }

        @Override
        public void close() {
        }
    }
}
