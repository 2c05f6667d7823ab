package io.hyphae.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.sun.net.httpserver.HttpServer;
import io.hyphae.connect.ConnectRestClient;
import io.hyphae.local.LocalConnect;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A webhook subscriber's connector on a broker with security on (SASL_SSL, SCRAM-SHA-512, StandardAuthorizer), run by a
 * Kafka Connect worker whose principal holds what the worker needs for itself and, for the connector, exactly the ACLs
 * {@code hyphae acls} prints for it: the route (as its own principal, with its printed ACLs) and the connector deliver
 * to a real HTTP receiver and dead-letter what it refuses. Then, for each of the connector's printed ACLs, a fresh
 * connector without it fails, and {@code hyphae connectors status} says which permission the broker refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredConnectIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String EXAMPLE = "../examples/insurance/";
    private static final String SUBSCRIBER = """
            subscribers:
              policy-service:
                stage: address-changed.priced
                url: http://127.0.0.1:${POLICY_WEBHOOK_PORT}/policy-events
                filter: "value.riskBand == 'HIGH'"
                body: "{'customerId': value.customerId, 'newPremium': value.newPremium}"
                allowNetworks: [127.0.0.1/32]
            """;

    private static final Path BRIDGES_PLUGIN = Path.of("../connectors/bridges/target/plugin").toAbsolutePath().normalize();
    private static final String BRIDGED = """
            application: br
            kafka:
              bootstrap: ${KAFKA_BOOTSTRAP}
              properties:
            %s
            routes:
              readings:
                from: br.readings
                stages:
                  - checked: { validate: { rules: ["has(value.id)"] } }
            bridges:
              readings-in:
                direction: in
                route: readings
                key: id
                mqtt: { url: "${MQTT_URL}", topics: ["br/{id}/in"], qos: 1 }
              checked-out:
                direction: out
                stage: readings.checked
                mqtt: { url: "${MQTT_URL}", topic: "'br/' + value.id + '/out'", qos: 1 }
            """;

    @TempDir
    static Path dir;

    private SecuredKafkaCluster cluster;
    private LocalConnect connect;
    private String connectUrl;
    private HttpServer receiver;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final String appPassword = "app-password-" + UUID.randomUUID();
    private final String connectPassword = "connect-password-" + UUID.randomUUID();

    @BeforeAll
    void start() throws Exception {
        cluster = new SecuredKafkaCluster(Files.createDirectories(dir.resolve("tls")));
        cluster.addUser("app", appPassword);
        cluster.addUser("connect", connectPassword);
        // What a distributed worker needs for itself, whatever it runs: its group and its config, offset and status topics.
        cluster.addAcls(workerAcls("User:connect"));

        // The policy service: accepts every customer but C-1003, whose request it refuses for good (400: a dead letter).
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/policy-events", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(body);
            exchange.sendResponseHeaders(body.contains("C-1003") ? 400 : 204, -1);
            exchange.close();
        });
        receiver.start();

        Map<String, String> connectClient = new LinkedHashMap<>();
        cluster.userClient("connect", connectPassword).forEach((k, v) -> connectClient.put(k, String.valueOf(v)));
        String bootstrap = connectClient.remove("bootstrap.servers");
        connect = LocalConnect.onCluster(Files.createDirectories(dir.resolve("connect")), Ports.freePair(),
                new LocalConnect.Cluster(bootstrap, connectClient),
                List.of(Path.of("../connectors/webhook/target/plugin").toAbsolutePath().normalize(), BRIDGES_PLUGIN));
        connectUrl = connect.ensureRunning(System.out::println);
    }

    @AfterAll
    void stop() throws Exception {
        if (connect != null) {
            connect.stop(System.out::println);
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theSubscriberIsDeliveredAndDeadLetteredWithExactlyThePrintedAclsAndEachOneIsNeeded() throws Exception {
        Path file = routeFile("sec");
        Map<String, String> env = env("app", appPassword);
        // The super user with a SCRAM credential of its own, for the commands that look at what the application cannot.
        String superPassword = "super-" + UUID.randomUUID();
        cluster.addUser(SecuredKafkaCluster.ADMIN, superPassword);
        Map<String, String> superUser = env(SecuredKafkaCluster.ADMIN, superPassword);
        HyphaeProcess.Result acls = HyphaeProcess.run(dir.resolve("acls.log"), env, TIMEOUT,
                "acls", file.toString(), "--principal", "User:app", "--connect-principal", "User:connect");
        assertThat(acls.code()).as(acls.output()).isZero();
        List<AclBinding> printed = AclScript.parse(acls.output());
        List<AclBinding> forConnect = printed.stream().filter(b -> b.entry().principal().equals("User:connect")).toList();
        assertThat(forConnect).extracting(b -> b.pattern().resourceType() + " " + b.pattern().name() + " " + b.entry().operation())
                .containsExactlyInAnyOrder("TOPIC sec.address-changed.priced READ", "TOPIC sec.subscriber.policy-service.dlq WRITE",
                        "GROUP connect-sec-subscriber-policy-service READ");
        cluster.addAcls(printed);

        createTable("sec");
        try (HyphaeProcess run = HyphaeProcess.start(dir.resolve("run.log"), env, "run", file.toString(),
                "--connect-url", connectUrl, "-X", "state.dir=" + dir.resolve("streams-state"))) {
            try {
                deliverAndDeadLetter(run, file, superUser);
            } finally {
                System.out.println("--- hyphae run:\n" + run.output());
            }
        }

        // Each of the connector's ACLs is needed: a fresh connector (its own stage topic with a refused record waiting,
        // its own dead-letter topic and group) run by a worker principal holding the two others fails, and says why.
        cluster.removeAcls(forConnect);
        int n = 0;
        for (AclBinding removed : forConnect) {
            String app = "sec" + ++n;
            Path other = routeFile(app);
            List<AclBinding> granted = AclScript.parse(HyphaeProcess.run(dir.resolve(app + "-acls.log"), env, TIMEOUT,
                            "acls", other.toString(), "--connect-principal", "User:connect").output()).stream()
                    .filter(b -> b.entry().principal().equals("User:connect")).toList();
            assertThat(granted).hasSize(3);
            AclBinding left = granted.stream().filter(b -> sameKind(b, removed)).findFirst().orElseThrow();
            cluster.addAcls(granted.stream().filter(b -> b != left).toList());
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(app + ".address-changed.priced", 1, (short) 1),
                        new NewTopic(app + ".subscriber.policy-service.dlq", 1, (short) 1))).all().get();
            }
            new Kafka(cluster.adminClient()).send(app + ".address-changed.priced", "C-1003",
                    "{\"customerId\":\"C-1003\",\"riskBand\":\"HIGH\",\"newPremium\":1.0}");

            HyphaeProcess.Result apply = HyphaeProcess.run(dir.resolve(app + "-apply.log"), superUser, TIMEOUT,
                    "connectors", "apply", other.toString(), "--connect-url", connectUrl);
            assertThat(apply.code()).as(apply.output()).isZero();
            String what = left.entry().operation() + " on " + left.pattern().resourceType().name().toLowerCase() + " " + left.pattern().name();
            ConnectRestClient rest = new ConnectRestClient(connectUrl);
            String connector = app + "-subscriber-policy-service";
            // "No status found" (404) until the worker has started the connector
            await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(ConnectRestClient.ConnectRestException.class)
                    .until(() -> rest.status(connector).failed());
            HyphaeProcess.Result status = HyphaeProcess.run(dir.resolve(app + "-status.log"), superUser, TIMEOUT,
                    "connectors", "status", other.toString(), "--connect-url", connectUrl);
            System.out.println("--- without " + what + ":\n" + status.output());
            assertThat(status.code()).as(status.output()).isEqualTo(1);
            assertThat(status.output()).as("without " + what).contains("tasks 0:FAILED")
                    .contains("the broker refused the Connect worker's principal: grant it the ACLs 'hyphae acls " + other
                            + " --connect-principal <principal>' prints under '# subscriber policy-service'");
            // The broker names the topic or group it refused, except for the dead letters' producer ("Authorization failed.").
            if (left.pattern().resourceType() == ResourceType.GROUP || !left.pattern().name().endsWith(".dlq")) {
                assertThat(status.output()).contains("Not authorized to access").contains(left.pattern().name());
            } else {
                assertThat(status.output()).contains("TopicAuthorizationException");
            }
            assertThat(rest.delete(connector)).isTrue();
        }
        assertThat(received).noneMatch(b -> b.contains("\"newPremium\":1.0"));
    }

    private void deliverAndDeadLetter(HyphaeProcess run, Path file, Map<String, String> superUser) throws Exception {
        Kafka kafka = new Kafka(cluster.adminClient());
        await().atMost(TIMEOUT).until(() -> !run.alive() || run.output().contains("connector sec-subscriber-policy-service created"));
        assertThat(run.alive()).as(run.output()).isTrue();
        produce("sec.customer.address-changed-json", EXAMPLE + "address-changed.jsonl", "customerId");

        assertThat(kafka.readCommitted("sec.address-changed.priced", 4, TIMEOUT)).hasSize(4);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).anyMatch(b -> b.contains("C-1001")));
        List<Kafka.Text> deadLetters = kafka.readCommitted("sec.subscriber.policy-service.dlq", 1, TIMEOUT);
        assertThat(deadLetters).singleElement().satisfies(r -> {
            assertThat(r.value()).contains("C-1003");
            assertThat(r.header("hyphae.webhook.status")).isEqualTo("400");
        });
        HyphaeProcess.Result status = HyphaeProcess.run(dir.resolve("status.log"), superUser, TIMEOUT,
                "connectors", "status", file.toString(), "--connect-url", connectUrl);
        assertThat(status.code()).as(status.output()).isZero();
        assertThat(status.output()).contains("connector sec-subscriber-policy-service: RUNNING");
        run.stop();
    }

    @Test
    void mqttBridgesInAndOutRunWithExactlyThePrintedAcls() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(BRIDGES_PLUGIN.resolve("hyphae-bridges")), "the bridges plugin is not built");
        Assumptions.assumeTrue(Mosquitto.binary().isPresent(), "no mosquitto binary: the bridge test needs one to start its own MQTT broker");
        try (Mosquitto mosquitto = Mosquitto.start(Files.createDirectories(dir.resolve("mosquitto")))) {
            StringBuilder properties = new StringBuilder();
            SecuredClusterIT.PROPERTIES.forEach(p -> properties.append("    ").append(p).append('\n'));
            Path file = Files.writeString(dir.resolve("br.yaml"), BRIDGED.formatted(properties.toString().stripTrailing()));
            Map<String, String> env = env("app", appPassword);
            env.put("MQTT_URL", mosquitto.url());
            HyphaeProcess.Result acls = HyphaeProcess.run(dir.resolve("br-acls.log"), env, TIMEOUT,
                    "acls", file.toString(), "--principal", "User:app", "--connect-principal", "User:connect");
            assertThat(acls.code()).as(acls.output()).isZero();
            List<AclBinding> printed = AclScript.parse(acls.output());
            assertThat(printed).filteredOn(b -> b.entry().principal().equals("User:connect"))
                    .extracting(b -> b.pattern().resourceType() + " " + b.pattern().name() + " " + b.entry().operation())
                    .containsExactlyInAnyOrder("TOPIC br.readings WRITE", "TOPIC br.readings DESCRIBE",
                            "TOPIC br.bridge.readings-in.dlq WRITE", "TOPIC br.bridge.readings-in.dlq DESCRIBE",
                            "TOPIC br.readings.checked READ", "TOPIC br.readings.checked DESCRIBE",
                            "TOPIC br.bridge.checked-out.dlq WRITE", "TOPIC br.bridge.checked-out.dlq DESCRIBE",
                            "GROUP connect-br-bridge-checked-out READ", "GROUP connect-br-bridge-checked-out DESCRIBE");
            cluster.addAcls(printed);

            List<String> out = new CopyOnWriteArrayList<>();
            Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("secured-it").serverHost("127.0.0.1")
                    .serverPort(mosquitto.port()).buildAsync();
            client.connect().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter("br/+/out").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(m -> out.add(m.getTopic() + " " + new String(m.getPayloadAsBytes(), StandardCharsets.UTF_8))).send()
                    .get(10, TimeUnit.SECONDS);
            try (HyphaeProcess run = HyphaeProcess.start(dir.resolve("br-run.log"), env, "run", file.toString(),
                    "--connect-url", connectUrl, "-X", "state.dir=" + dir.resolve("br-streams-state"))) {
                try {
                    await().atMost(TIMEOUT).until(() -> !run.alive() || run.output().contains("state REBALANCING -> RUNNING"));
                    assertThat(run.alive()).as(run.output()).isTrue();
                    ConnectRestClient rest = new ConnectRestClient(connectUrl);
                    // "No status found" (404) until the worker has started the connectors run applied
                    await().atMost(TIMEOUT).ignoreExceptionsInstanceOf(ConnectRestClient.ConnectRestException.class)
                            .until(() -> rest.status("br-bridge-readings-in").running() && rest.status("br-bridge-checked-out").running());
                    for (int i = 0; i < 5; i++) {
                        client.publishWith().topic("br/r" + i + "/in").qos(MqttQos.AT_LEAST_ONCE)
                                .payload(("{\"id\":\"r" + i + "\"}").getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
                    }
                    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(out).hasSize(5));
                    assertThat(out).containsExactlyInAnyOrder(IntStream.range(0, 5)
                            .mapToObj(i -> "br/r" + i + "/out {\"id\":\"r" + i + "\"}").toArray(String[]::new));
                    assertThat(new Kafka(cluster.adminClient()).readCommitted("br.readings", 5, TIMEOUT))
                            .extracting(Kafka.Text::key).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
                    HyphaeProcess.Result status = HyphaeProcess.run(dir.resolve("br-status.log"), env, TIMEOUT,
                            "connectors", "status", file.toString(), "--connect-url", connectUrl);
                    System.out.println("--- connectors status:\n" + status.output());
                    assertThat(status.code()).as(status.output()).isZero();
                } finally {
                    System.out.println("--- hyphae run:\n" + run.output());
                    client.disconnect();
                }
            }
        }
    }

    private static boolean sameKind(AclBinding a, AclBinding b) {
        return a.pattern().resourceType() == b.pattern().resourceType() && a.entry().operation() == b.entry().operation()
                && a.pattern().name().replaceFirst("^(connect-)?sec[0-9]*", "").equals(b.pattern().name().replaceFirst("^(connect-)?sec[0-9]*", ""));
    }

    /** The JSON insurance example under application {@code app}, with its security settings and a webhook subscriber. */
    private Path routeFile(String app) throws Exception {
        String text = Files.readString(Path.of(EXAMPLE + "insurance-json.yaml"))
                .replace("application: insurance-json", "application: " + app)
                .replace("insurance-json.", app + ".")
                .replace("customer.address-changed", app + ".customer.address-changed")
                .replace("geo.accident-volume", app + ".geo.accident-volume");
        StringBuilder kafka = new StringBuilder("  bootstrap: ${KAFKA_BOOTSTRAP:}\n  properties:\n");
        SecuredClusterIT.PROPERTIES.forEach(p -> kafka.append("    ").append(p).append('\n'));
        text = text.replace("  bootstrap: ${KAFKA_BOOTSTRAP:}\n", kafka.toString()) + "\n" + SUBSCRIBER;
        return Files.writeString(dir.resolve(app + ".yaml"), text);
    }

    private void createTable(String app) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(app + ".geo.accident-volume-json", 3, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        produce(app + ".geo.accident-volume-json", EXAMPLE + "geo-risk.jsonl", "postalCode");
    }

    private void produce(String topic, String lines, String keyField) {
        Cli produced = Cli.run(adminArgs("produce", "-t", topic, "-i", lines, "-k", keyField));
        assertThat(produced.code()).as(produced.out() + produced.err()).isZero();
    }

    /** A hyphae command line as the super user. */
    private String[] adminArgs(String... args) {
        List<String> out = new ArrayList<>(List.of(args));
        out.addAll(List.of("-b", cluster.bootstrapServers(), "--no-local"));
        cluster.adminClient().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                out.addAll(List.of("-X", k + "=" + v));
            }
        });
        return out.toArray(String[]::new);
    }

    private Map<String, String> env(String user, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP", cluster.bootstrapServers());
        env.put("KAFKA_USER", user);
        env.put("KAFKA_PASSWORD", password);
        env.put("KAFKA_TRUSTSTORE", cluster.certificates().truststore().toString());
        env.put("KAFKA_TRUSTSTORE_PASSWORD", cluster.certificates().password());
        env.put("POLICY_WEBHOOK_PORT", Integer.toString(receiver.getAddress().getPort()));
        return env;
    }

    /** The worker's own needs (docs/security.md lists them): its group, and its internal topics by their common prefix. */
    private static List<AclBinding> workerAcls(String principal) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(principal, ResourceType.GROUP, LocalConnect.GROUP_ID, PatternType.LITERAL, AclOperation.READ));
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(principal, ResourceType.TOPIC, LocalConnect.GROUP_ID + "-", PatternType.PREFIXED, op));
        }
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
