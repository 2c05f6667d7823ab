package io.hyphae.it;

import io.hyphae.connect.ConnectRestClient;
import io.hyphae.connect.ConnectRestClient.Applied;
import io.hyphae.connect.ConnectRestClient.ConnectRestException;
import io.hyphae.connect.ConnectRestClient.ConnectorStatus;
import io.hyphae.local.LocalConnect;
import io.hyphae.local.LocalKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The local stack's Connect worker, a real distributed worker process on the local broker, driven by ConnectRestClient. */
class LocalConnectIT {

    private static final String HEARTBEAT = "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector";

    @Test
    void startsAppliesConnectorsIdempotentlyReportsTheirStatusAndStops(@TempDir Path dir) throws Exception {
        LocalKafka kafka = new LocalKafka(dir, Ports.freePair());
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        LocalConnect connect = new LocalConnect(dir, Ports.freePair(), kafka, List.of(plugins, dir.resolve("not-built-yet")));
        List<String> progress = new ArrayList<>();
        try {
            String url = connect.ensureRunning(progress::add);
            assertThat(url).isEqualTo(connect.url()).startsWith("http://127.0.0.1:");
            assertThat(progress).anyMatch(m -> m.startsWith("local Connect worker ready in"))
                    .anyMatch(m -> m.contains("not-built-yet") && m.contains("does not exist"));
            LocalConnect.Status status = connect.status();
            assertThat(status.running()).isTrue();
            assertThat(status.logFile()).isEqualTo(dir.resolve("connect/connect.log").toAbsolutePath()).exists();
            assertThat(status.pluginPath()).isEqualTo(plugins.toAbsolutePath().toString());
            long pid = status.pid().orElseThrow();

            // A second start finds the running worker.
            connect.start(progress::add);
            assertThat(connect.status().pid()).contains(pid);
            assertThat(progress).anyMatch(m -> m.contains("already running"));

            ConnectRestClient client = new ConnectRestClient(url);
            assertThat(client.info().version()).isEqualTo("4.3.1");
            assertThat(client.info().kafkaClusterId()).isNotBlank();
            assertThat(client.plugins()).extracting(ConnectRestClient.Plugin::className).contains(HEARTBEAT);
            assertThat(client.list()).isEmpty();

            Map<String, String> config = new LinkedHashMap<>();
            config.put("connector.class", HEARTBEAT);
            config.put("tasks.max", "1");
            config.put("source.cluster.alias", "here");
            config.put("target.cluster.alias", "there");
            config.put("source.cluster.bootstrap.servers", kafka.bootstrapServers());
            config.put("target.cluster.bootstrap.servers", kafka.bootstrapServers());
            config.put("heartbeats.topic.replication.factor", "1");
            config.put("emit.heartbeats.interval.seconds", "1");
            assertThat(client.apply("heart beat", config)).isEqualTo(Applied.CREATED);
            assertThat(client.apply("heart beat", config)).as("the same config again").isEqualTo(Applied.UNCHANGED);
            assertThat(client.list()).containsExactly("heart beat");
            assertThat(client.config("heart beat")).get().satisfies(c -> assertThat(c).containsAllEntriesOf(config).containsEntry("name", "heart beat"));

            AtomicReference<ConnectorStatus> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                last.set(client.status("heart beat"));
                assertThat(last.get().failed()).as("failed: %s", last.get()).isFalse();
                assertThat(last.get().running()).as("%s", last.get()).isTrue();
            });
            assertThat(last.get().type()).isEqualTo("source");
            assertThat(last.get().connector().workerId()).isEqualTo("127.0.0.1:" + connect.port());
            assertThat(last.get().tasks()).hasSize(1).allSatisfy(t -> assertThat(t.trace()).isEmpty());

            config.put("emit.heartbeats.interval.seconds", "2");
            assertThat(client.apply("heart beat", config)).isEqualTo(Applied.UPDATED);
            assertThat(client.apply("heart beat", config)).isEqualTo(Applied.UNCHANGED);

            // An invalid config: the worker's own message, with the status.
            assertThatThrownBy(() -> client.apply("broken", Map.of("connector.class", "no.such.Connector")))
                    .isInstanceOfSatisfying(ConnectRestException.class, e -> {
                        assertThat(e.status()).isBetween(400, 499);
                        assertThat(e.workerMessage()).contains("no.such.Connector");
                        assertThat(e.getMessage()).contains("PUT " + url + "/connectors/broken/config answered HTTP " + e.status());
                    });

            assertThat(client.delete("heart beat")).isTrue();
            assertThat(client.delete("heart beat")).as("deleting what is gone").isFalse();
            assertThat(client.list()).isEmpty();
            assertThatThrownBy(() -> client.status("heart beat"))
                    .isInstanceOfSatisfying(ConnectRestException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessageContaining("No status found for connector heart beat");

            assertThat(connect.stop(progress::add)).isTrue();
            assertThat(connect.status().running()).isFalse();
            assertThat(connect.stop(progress::add)).as("stopping a stopped worker is harmless").isFalse();
            assertThatThrownBy(client::list).hasMessageContaining("cannot reach the Kafka Connect worker at " + url)
                    .hasMessageContaining("hyphae local start --connect");
        } finally {
            connect.stop(progress::add);
            kafka.stop(progress::add);
        }
    }

    @Test
    void withoutTheBrokerItSaysHowToStartBoth(@TempDir Path dir) throws Exception {
        LocalConnect connect = new LocalConnect(dir, Ports.freePair(), new LocalKafka(dir, Ports.freePair()), List.of());
        assertThatThrownBy(() -> connect.start(m -> { })).hasMessageContaining("needs the local Kafka broker")
                .hasMessageContaining("hyphae local start --connect");
        assertThat(connect.status().running()).isFalse();
    }
}
