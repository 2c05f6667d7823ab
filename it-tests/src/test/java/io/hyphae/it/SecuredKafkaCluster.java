package io.hyphae.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Apache Kafka's broker in the test JVM (KRaft, one combined node, like {@link InJvmKafkaCluster}) with security on:
 * clients connect over SASL_SSL (a certificate of its own for localhost/127.0.0.1), applications authenticate with
 * SCRAM-SHA-512, the super user {@value #ADMIN} (PLAIN, also the broker's own principal towards the controller) sets
 * things up, and {@link StandardAuthorizer} refuses whatever no ACL allows.
 */
final class SecuredKafkaCluster implements AutoCloseable {

    static final String ADMIN = "admin";
    static final String SCRAM = "SCRAM-SHA-512";

    private final KafkaClusterTestKit cluster;
    private final String adminPassword = "admin-" + UUID.randomUUID();
    private final TestCertificates tls;

    SecuredKafkaCluster(Path dir) throws Exception {
        tls = TestCertificates.create(dir);
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                // The kit accepts only PLAINTEXT and SASL_PLAINTEXT here; the protocol map below makes the listener SASL_SSL.
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build();
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN," + SCRAM)
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp("sasl.mechanism.controller.protocol", "PLAIN")
                .setConfigProp("listener.name.external.plain.sasl.jaas.config", plain)
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("listener.name.controller.sasl.enabled.mechanisms", "PLAIN")
                .setConfigProp("listener.name.controller.plain.sasl.jaas.config", plain)
                .setConfigProp("authorizer.class.name", StandardAuthorizer.class.getName())
                .setConfigProp("allow.everyone.if.no.acl.found", "false")
                .setConfigProp("super.users", "User:" + ADMIN)
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.keystore.location", tls.keystore().toString())
                .setConfigProp("ssl.keystore.password", tls.password())
                .setConfigProp("ssl.key.password", tls.password())
                // The broker checks at start-up that a client trusting what it trusts can connect to it.
                .setConfigProp("ssl.truststore.type", "PKCS12")
                .setConfigProp("ssl.truststore.location", tls.truststore().toString())
                .setConfigProp("ssl.truststore.password", tls.password())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("num.partitions", "3");
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** TLS settings every client needs: the truststore holding the broker's certificate. */
    Map<String, Object> tls() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", tls.truststore().toString());
        p.put("ssl.truststore.password", tls.password());
        return p;
    }

    TestCertificates certificates() {
        return tls;
    }

    /** Client settings of the super user. */
    Map<String, Object> adminClient() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers());
        p.putAll(tls());
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\";");
        return p;
    }

    /** Client settings of a SCRAM user. */
    Map<String, Object> userClient(String user, String password) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers());
        p.putAll(tls());
        p.put("sasl.mechanism", SCRAM);
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";");
        return p;
    }

    Admin admin() {
        return Admin.create(adminClient());
    }

    /** Creates (or resets the password of) a SCRAM-SHA-512 user; it can authenticate once this returns. */
    void addUser(String user, String password) throws Exception {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
            long deadline = System.currentTimeMillis() + 30_000;
            while (!admin.describeUserScramCredentials(List.of(user)).all().get().containsKey(user)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("SCRAM credential of " + user + " not visible");
                }
                Thread.sleep(100);
            }
        }
    }

    void addAcls(Collection<AclBinding> acls) throws Exception {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get();
        }
    }

    void removeAcls(Collection<AclBinding> acls) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
        }
    }

    Collection<AclBinding> acls() throws Exception {
        try (Admin admin = admin()) {
            return admin.describeAcls(AclBindingFilter.ANY).values().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    /** A self-signed certificate for localhost and 127.0.0.1 made with the JDK's keytool, and a truststore holding it. */
    record TestCertificates(Path keystore, Path truststore, Path certificate, String password) {

        static TestCertificates create(Path dir) throws IOException, InterruptedException {
            String password = "tls-" + UUID.randomUUID();
            Path keystore = dir.resolve("broker.p12");
            Path cert = dir.resolve("broker.crt");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
            keytool("-exportcert", "-alias", "broker", "-rfc", "-keystore", keystore.toString(), "-storepass", password,
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", truststore.toString(), "-storepass", password);
            return new TestCertificates(keystore, truststore, cert, password);
        }

        private static void keytool(String... args) throws IOException, InterruptedException {
            List<String> command = new java.util.ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        }
    }
}
