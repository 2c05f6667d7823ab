package io.hyphae.it;

import io.hyphae.local.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded default: a real broker process managed by `hyphae local`, its data kept across restarts. */
class LocalKafkaIT {

    @Test
    void startsOnceKeepsDataAcrossRestartsAndHandlesAStalePidFile(@TempDir Path dir) throws Exception {
        LocalKafka kafka = new LocalKafka(dir, Ports.freePair());
        List<String> progress = new ArrayList<>();
        try {
            String bootstrap = kafka.start(progress::add);
            LocalKafka.Status status = kafka.status();
            assertThat(status.running()).isTrue();
            assertThat(status.bootstrapServers()).isEqualTo(bootstrap).startsWith("127.0.0.1:");
            assertThat(status.dataDir()).isEqualTo(dir.resolve("kafka/data").toAbsolutePath());
            long pid = status.pid().orElseThrow();

            // A second start finds the running broker instead of starting another on the same data.
            kafka.start(progress::add);
            assertThat(kafka.status().pid()).contains(pid);
            assertThat(progress).anyMatch(m -> m.contains("already running"));

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("survives-restart", 2, (short) 1))).all().get();
            }
            assertThat(kafka.stop(progress::add)).isTrue();
            assertThat(kafka.status().running()).isFalse();
            assertThat(kafka.stop(progress::add)).as("stopping a stopped broker is harmless").isFalse();

            // A PID file left behind, naming a live process that is not our broker (this JVM), is stale.
            Files.writeString(dir.resolve("kafka/broker.pid"), ProcessHandle.current().pid() + " 12345");
            assertThat(kafka.status().running()).isFalse();
            kafka.start(progress::add);
            assertThat(kafka.status().pid()).isPresent().get().isNotEqualTo(ProcessHandle.current().pid());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(admin.listTopics().names().get()).contains("survives-restart");
            }
        } finally {
            kafka.stop(progress::add);
        }
    }

    @Test
    void aTakenPortIsReportedClearly(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            LocalKafka kafka = new LocalKafka(dir, taken.getLocalPort());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> kafka.start(m -> { }))
                    .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
            assertThat(kafka.status().running()).isFalse();
        }
    }
}
