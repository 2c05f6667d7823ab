package io.hyphae.it;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import io.hyphae.runtime.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** produce, tap, run and topic provisioning against a real broker. */
@ExtendWith(RealKafkaExtension.class)
class CommandLineIT {

    private static String routes(String name) {
        return """
                application: %1$s
                topics: { partitions: 2 }
                routes:
                  events:
                    from: %1$s.in
                    stages:
                      - kept: { filter: { when: "value.keep" } }
                """.formatted(name);
    }

    @Test
    void produceThenTapAStageOfARunningApplication(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("cli");
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, routes(name));
        Path input = dir.resolve("events.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"keep\": true}\n\n{\"id\": \"b\", \"keep\": false}\n{\"id\": \"c\", \"keep\": true}\n");
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { })) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            Cli produced = Cli.run("produce", "-t", name + ".in", "-i", input.toString(), "-k", "id", "-H", "origin=test",
                    "-b", cluster.bootstrapServers());
            assertThat(produced.code()).as(produced.err()).isZero();
            assertThat(produced.out()).contains("sent 3 records to " + name + ".in");

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Cli tapped = Cli.run("tap", "-f", file.toString(), "events", "kept", "-b", cluster.bootstrapServers(),
                        "--headers", "--idle-timeout", "1000");
                assertThat(tapped.code()).isZero();
                assertThat(tapped.out()).contains("\ta\t{\"id\": \"a\", \"keep\": true}").contains("\tc\t{\"id\": \"c\", \"keep\": true}")
                        .doesNotContain("\"b\"").contains("origin=test").contains("hyphae.source=" + name + ".in-");
                assertThat(tapped.err()).contains("2 records from " + name + ".events.kept");
            });
        }
        Cli unknown = Cli.run("tap", "-f", file.toString(), "events", "nope", "-b", cluster.bootstrapServers());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("route 'events' has no stage 'nope'; stages: kept, dlq, input");
    }

    @Test
    void anExistingTopicThatConflictsStopsTheStartBeforeAnythingIsCreated(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("conflict");
        new Kafka(cluster.bootstrapServers()).createTopic(name + ".events.kept", 5);
        RouteFile routes = new RouteFileLoader(n -> null).load("routes.yaml", routes(name));
        HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { });
        assertThatThrownBy(app::start).isInstanceOf(TopicProvisioner.TopicConflictException.class)
                .hasMessageContaining("topic '" + name + ".events.kept' (the topic of stage events.kept) has 5 partitions but the route file asks for 2");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(name + ".in", name + ".events.dlq");
        }
        app.close();
    }

    @Test
    void topicsHyphaeCreatesTake16MiBRecordsAndAnUncompactedTableTopicIsReported(KafkaCluster cluster) throws Exception {
        String name = Kafka.unique("sizes");
        new Kafka(cluster.bootstrapServers()).createTopic(name + ".rows", 1); // created by hand: cleanup.policy=delete
        RouteFile routes = new RouteFileLoader(n -> null).load("routes.yaml", """
                application: %1$s
                tables:
                  rows: { topic: %1$s.rows }
                  fresh: { topic: %1$s.fresh }
                routes:
                  events:
                    from: %1$s.in
                    stages:
                      - kept: { filter: { when: "value.keep" } }
                """.formatted(name));
        List<String> messages = new CopyOnWriteArrayList<>();
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), messages::add);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            app.provision();
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("warning: topic '" + name + ".rows' (table rows) has cleanup.policy=delete")
                    .contains("--add-config cleanup.policy=compact"));
            assertThat(messages).noneSatisfy(m -> assertThat(m).contains("'" + name + ".fresh'").startsWith("warning"));
            for (String topic : List.of(name + ".in", name + ".fresh", name + ".events.kept", name + ".events.dlq")) {
                var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()).as(topic).isEqualTo(Integer.toString(16 * 1024 * 1024));
            }
            var fresh = new ConfigResource(ConfigResource.Type.TOPIC, name + ".fresh");
            assertThat(admin.describeConfigs(List.of(fresh)).all().get().get(fresh).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void runShutsDownCleanlyOnSigterm(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("sigterm");
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, routes(name));
        AppProcess app = new AppProcess(file, cluster.bootstrapServers(), dir, "app");
        await().atMost(Duration.ofSeconds(90)).until(() -> app.state().equals("RUNNING"));
        app.close();
        assertThat(app.alive()).isFalse();
        assertThat(app.output()).contains("stopping...").contains("PENDING_SHUTDOWN -> NOT_RUNNING");
        assertThat(app.state()).isEqualTo("NOT_RUNNING");
    }
}
