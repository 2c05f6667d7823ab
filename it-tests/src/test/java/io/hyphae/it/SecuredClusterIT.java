package io.hyphae.it;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The insurance example (Avro, exactly-once) on a broker with security on — SASL_SSL, SCRAM-SHA-512, StandardAuthorizer —
 * as a principal that has exactly the ACLs {@code hyphae acls} prints and nothing else: every stage topic, destination and
 * dead-letter topic gets its records, {@code dlq replay} works, and no secret given through {@code ${ENV}} appears in
 * anything hyphae prints, a failed authentication included.
 */
@ExtendWith(RealKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    /** kafka.properties as a user writes them: every secret through ${ENV}. */
    static final List<String> PROPERTIES = List.of(
            "security.protocol: SASL_SSL",
            "sasl.mechanism: SCRAM-SHA-512",
            "sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${KAFKA_USER}\" password=\"${KAFKA_PASSWORD}\";'",
            "ssl.truststore.type: PKCS12",
            "ssl.truststore.location: ${KAFKA_TRUSTSTORE}",
            "ssl.truststore.password: ${KAFKA_TRUSTSTORE_PASSWORD}");
    /** The registry behind TLS and basic auth, its secrets through ${ENV} too. */
    static final List<String> REGISTRY = List.of(
            "basicAuth: ${REGISTRY_USER_INFO}",
            "properties:",
            "  ssl.truststore.location: ${KAFKA_TRUSTSTORE}",
            "  ssl.truststore.password: ${KAFKA_TRUSTSTORE_PASSWORD}");

    @TempDir
    static Path dir;

    private SecuredKafkaCluster cluster;
    private String registryUrl;
    private RegistryTlsProxy registryProxy;
    private final String registryPassword = "registry-password-" + UUID.randomUUID();
    private final String password = "app-password-" + UUID.randomUUID();
    private final String webhookKey = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
    private final List<String> printed = new ArrayList<>();

    @BeforeAll
    void start(RegistryServer registry) throws Exception {
        cluster = new SecuredKafkaCluster(Files.createDirectories(dir.resolve("tls")));
        registryUrl = registry.url();
        registryProxy = new RegistryTlsProxy(registryUrl, cluster.certificates().keystore(), cluster.certificates().password(),
                "app:" + registryPassword);
        cluster.addUser("app", password);
    }

    @AfterAll
    void stop() throws Exception {
        if (registryProxy != null) {
            registryProxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Map<String, String> env(String kafkaPassword) {
        return env(kafkaPassword, registryPassword);
    }

    private Map<String, String> env(String kafkaPassword, String registryPassword) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP", cluster.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registryProxy.url());
        env.put("REGISTRY_USER_INFO", "app:" + registryPassword);
        env.put("KAFKA_USER", "app");
        env.put("KAFKA_PASSWORD", kafkaPassword);
        env.put("KAFKA_TRUSTSTORE", cluster.certificates().truststore().toString());
        env.put("KAFKA_TRUSTSTORE_PASSWORD", cluster.certificates().password());
        env.put("POLICY_WEBHOOK_SECRET", "whsec_" + webhookKey);
        return env;
    }

    private HyphaeProcess.Result hyphae(String name, Map<String, String> env, String... args) throws Exception {
        long started = System.nanoTime();
        HyphaeProcess.Result r = HyphaeProcess.run(dir.resolve(name + ".log"), env, TIMEOUT, args);
        System.out.printf("--- hyphae %s: exit %d after %.1f s%n%s", args[0], r.code(), (System.nanoTime() - started) / 1e9, r.output());
        printed.add(r.output());
        return r;
    }

    @Test
    void theInsuranceExampleRunsEndToEndWithExactlyThePrintedAclsAndPrintsNoSecret() throws Exception {
        SecuredInsurance example = new SecuredInsurance(cluster, registryUrl, dir, "insurance", PROPERTIES, REGISTRY);
        Map<String, String> env = env(password);

        HyphaeProcess.Result acls = hyphae("acls", env, "acls", example.file.toString(), "--principal", "User:app");
        assertThat(acls.code()).as(acls.output()).isZero();
        List<AclBinding> granted = AclScript.parse(acls.output()).stream()
                .filter(b -> b.entry().principal().equals("User:app")).toList();
        cluster.addAcls(granted);
        assertThat(cluster.acls()).filteredOn(b -> b.entry().principal().equals("User:app")).containsExactlyInAnyOrderElementsOf(granted);

        HyphaeProcess.Result described = hyphae("describe", env, "describe", example.file.toString());
        assertThat(described.code()).as(described.output()).isZero();
        assertThat(described.output()).contains("policy-service");

        // The reference data belongs to another team: it exists, compacted and filled, before the application starts.
        example.createTable();
        example.loadTable();
        Path state = dir.resolve("run.state");
        try (HyphaeProcess run = HyphaeProcess.start(dir.resolve("run.log"), env, "run", example.file.toString(),
                "--state-file", state.toString(), "-X", "state.dir=" + dir.resolve("streams-state"))) {
            await().atMost(TIMEOUT).until(() -> !run.alive() || Files.exists(state) && Files.readString(state).trim().equals("RUNNING"));
            assertThat(run.alive()).as(run.output()).isTrue();
            example.loadEvents();

            Kafka kafka = example.kafka();
            assertThat(kafka.readCommitted("insurance.address-changed.validated", 5, TIMEOUT)).hasSize(5);
            assertThat(kafka.readCommitted("insurance.address-changed.enriched", 4, TIMEOUT)).hasSize(4);
            assertThat(kafka.readCommitted("insurance.address-changed.priced", 4, TIMEOUT)).hasSize(4);
            assertThat(kafka.readCommitted("insurance.address-changed.routed", 4, TIMEOUT)).hasSize(4);
            assertThat(kafka.readCommitted("insurance.policy-update", 2, TIMEOUT)).hasSize(2);
            assertThat(kafka.readCommitted("insurance.manual-review.requests", 2, TIMEOUT)).hasSize(2);
            assertThat(kafka.readCommitted("insurance.manual-review.queued", 2, TIMEOUT)).hasSize(2);
            assertThat(kafka.readCommitted("insurance.address-changed.dlq", 4, TIMEOUT)).hasSize(4)
                    .extracting(r -> r.header("hyphae.error.stage")).containsExactlyInAnyOrder("address-changed.ingest",
                            "address-changed.validated", "address-changed.validated", "address-changed.enriched");

            // The fix for the enrich miss: the row of postal code 9999. A new event for it shows the table has it.
            Path fix = Files.writeString(dir.resolve("fix.jsonl"), "{\"postalCode\":\"9999\",\"region\":\"Nowhere\",\"accidentsPer1000\":30.0}\n");
            example.produce(example.table(), fix, "postalCode", "GeoRisk.avsc");
            String missed = Files.readAllLines(SecuredInsurance.EXAMPLE.resolve("address-changed.jsonl")).stream()
                    .filter(l -> l.contains("\"ev-0006\"")).findFirst().orElseThrow();
            Path canary = Files.writeString(dir.resolve("canary.jsonl"), missed.replace("ev-0006", "ev-0009").replace("C-1006", "C-1009") + "\n");
            example.produce(example.input(), canary, "customerId", "AddressChanged.avsc");
            assertThat(kafka.readCommitted("insurance.address-changed.enriched", 5, TIMEOUT)).hasSize(5);

            HyphaeProcess.Result replay = hyphae("replay", env, "dlq", "replay", "-f", example.file.toString(), "address-changed");
            assertThat(replay.code()).as(replay.output()).isZero();
            assertThat(replay.output()).contains("replayed 4 dead letters from insurance.address-changed.dlq into customer.address-changed");
            List<Kafka.Text> enriched = kafka.readCommitted("insurance.address-changed.enriched", 6, TIMEOUT);
            assertThat(enriched).hasSize(6).filteredOn(r -> "ev-0006".equals(eventId(r))).singleElement()
                    .satisfies(r -> assertThat(r.header("hyphae.replayed-from")).startsWith("insurance.address-changed.dlq-"));
            // The three others fail again, the same way.
            assertThat(kafka.readCommitted("insurance.address-changed.dlq", 7, TIMEOUT)).hasSize(7);
            HyphaeProcess.Result replayEmpty = hyphae("replay-review", env, "dlq", "replay", "-f", example.file.toString(), "manual-review");
            assertThat(replayEmpty.code()).as(replayEmpty.output()).isZero();
            assertThat(replayEmpty.output()).contains("replayed 0 dead letters");

            // Every registry call of the application went through TLS with the right credentials.
            assertThat(registryProxy.forwarded()).isPositive();
            assertThat(registryProxy.refused()).isZero();
            assertThat(run.alive()).isTrue();
            run.stop();
            printed.add(run.output());
            System.out.println("--- hyphae run:\n" + run.output());
            assertThat(run.output()).contains("state RUNNING -> PENDING_SHUTDOWN").doesNotContain("error:").doesNotContain("Exception");
        }

        // A wrong password: a clear error, and the password it was given is not in it either.
        String wrong = "wrong-password-" + UUID.randomUUID();
        HyphaeProcess.Result refused = hyphae("wrong-password", env(wrong), "run", example.file.toString(),
                "-X", "state.dir=" + dir.resolve("streams-state-2"));
        assertThat(refused.code()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("error: cannot authenticate with the brokers: Authentication failed").contains("invalid credentials with SASL mechanism SCRAM-SHA-512");

        // A wrong registry password: a clear error naming the refusal, and not the password.
        String wrongRegistry = "wrong-registry-password-" + UUID.randomUUID();
        HyphaeProcess.Result registryRefused = hyphae("wrong-registry-password", env(password, wrongRegistry), "produce",
                "-f", example.file.toString(), "-t", example.input(), "-i", SecuredInsurance.EXAMPLE.resolve("address-changed.jsonl").toString(),
                "-k", "customerId", "-a", SecuredInsurance.EXAMPLE.resolve("../../schemas/avro/insurance/AddressChanged.avsc").toString());
        assertThat(registryRefused.code()).as(registryRefused.output()).isNotZero();
        assertThat(registryRefused.output()).contains("error: ").contains("answered 401");
        assertThat(registryProxy.refused()).isPositive();

        // A principal with every printed ACL but its consumer group's: the run stops by itself with one line naming it.
        cluster.addUser("app2", password);
        cluster.addAcls(AclScript.parse(acls.output().replace("--allow-principal User:app ", "--allow-principal User:app2 ")).stream()
                .filter(b -> b.entry().principal().equals("User:app2"))
                .filter(b -> !(b.pattern().resourceType() == ResourceType.GROUP && b.pattern().name().equals("insurance")))
                .toList());
        Map<String, String> app2 = env(password);
        app2.put("KAFKA_USER", "app2");
        HyphaeProcess.Result noGroup = hyphae("no-group", app2, "run", example.file.toString(), "-X", "state.dir=" + dir.resolve("streams-state-3"));
        assertThat(noGroup.code()).as(noGroup.output()).isEqualTo(1);
        assertThat(noGroup.output()).contains("error: not authorized: the broker refused Read on group 'insurance' (GroupAuthorizationException)")
                .doesNotContain("\tat ").doesNotContain("stream thread failed, replacing it");

        for (String output : printed) {
            assertThat(output).doesNotContain(password).doesNotContain(wrong).doesNotContain(webhookKey)
                    .doesNotContain(registryPassword).doesNotContain(wrongRegistry)
                    .doesNotContain(cluster.certificates().password());
        }
    }

    /** The eventId of an Avro record: Avro writes a string's UTF-8 bytes as they are. */
    private static String eventId(Kafka.Text r) {
        String text = new String(r.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("ev-00");
        return at < 0 ? "" : text.substring(at, at + 7);
    }
}
