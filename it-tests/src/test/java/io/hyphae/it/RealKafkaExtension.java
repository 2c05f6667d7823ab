package io.hyphae.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides one real Kafka cluster to every integration test of the run: the cluster named by
 * {@code HYPHAE_IT_BOOTSTRAP} when set; else a Testcontainers broker when a Docker engine answers;
 * else Apache Kafka's broker started inside the test JVM. Likewise one real schema registry: the one named by
 * {@code HYPHAE_IT_SCHEMA_REGISTRY} (Confluent's, for instance), else the local stack's registry server in its own JVM.
 */
public final class RealKafkaExtension implements ParameterResolver {

    public static final String BOOTSTRAP_ENV = "HYPHAE_IT_BOOTSTRAP";
    public static final String REGISTRY_ENV = "HYPHAE_IT_SCHEMA_REGISTRY";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class || parameter.getParameter().getType() == RegistryServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        if (parameter.getParameter().getType() == RegistryServer.class) {
            return store.getOrComputeIfAbsent(RegistryServer.class.getName(), k -> startRegistry(), RegistryHolder.class).server;
        }
        return store.getOrComputeIfAbsent(KafkaCluster.class.getName(), k -> new Holder(start()), Holder.class).cluster;
    }

    private static RegistryHolder startRegistry() {
        String external = System.getenv(REGISTRY_ENV);
        if (external != null && !external.isBlank()) {
            return new RegistryHolder(new Registry(external, "external registry ($" + REGISTRY_ENV + ")"), null, null);
        }
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hyphae-it-registry");
            io.hyphae.local.LocalSchemaRegistry local = new io.hyphae.local.LocalSchemaRegistry(dir, Ports.freePair());
            String url = local.start(m -> { });
            System.out.println("integration tests use the schema registry at " + url);
            return new RegistryHolder(new Registry(url, "local registry server (Hortonworks Schema Registry)"), local, dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a schema registry for the integration tests", e);
        }
    }

    private record Registry(String url, String kind) implements RegistryServer {
    }

    private record RegistryHolder(RegistryServer server, io.hyphae.local.LocalSchemaRegistry local, java.nio.file.Path dir)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() throws Exception {
            if (local != null) {
                local.stop(m -> { });
            }
        }
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
