package io.hyphae.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's jars and configuration, without starting it (LocalConnectIT starts it). */
class LocalConnectTest {

    @Test
    void findsConnectWorkerLibAboveTheClassesOrTheJar(@TempDir Path tree) throws Exception {
        Path lib = Files.createDirectories(tree.resolve("connect-worker/target/lib"));
        Files.writeString(lib.resolve("connect-runtime-4.3.1.jar"), "");
        String expected = lib.toAbsolutePath().normalize() + File.separator + "*";
        assertThat(LocalConnect.classpathAbove(tree.resolve("topology/target/classes"))).isEqualTo(expected);
        assertThat(LocalConnect.classpathAbove(tree.resolve("topology/target/hyphae.jar"))).isEqualTo(expected);
    }

    @Test
    void anUnbuiltWorkerTellsHowToBuildIt(@TempDir Path tree) throws Exception {
        Files.createDirectories(tree.resolve("connect-worker/src"));
        assertThatThrownBy(() -> LocalConnect.classpathAbove(tree.resolve("topology/target/classes")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the Connect worker's jars were not found")
                .hasMessageContaining("connect-worker/target/lib holds no jars")
                .hasMessageContaining("mvn -pl connect-worker package");
    }

    @Test
    void theWorkerRunsOnTheLocalBrokerWithTheExistingPluginFolders(@TempDir Path dir) throws Exception {
        Path built = Files.createDirectories(dir.resolve("built"));
        LocalConnect connect = new LocalConnect(dir, 41234, new LocalKafka(dir, 41000), List.of(built, dir.resolve("missing")));
        Properties p = connect.workerConfig();
        assertThat(p.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:41000");
        assertThat(p.getProperty("listeners")).isEqualTo("http://127.0.0.1:41234");
        assertThat(p.getProperty("rest.advertised.host.name")).isEqualTo("127.0.0.1");
        assertThat(p.getProperty("group.id")).isEqualTo("hyphae-local-connect");
        assertThat(p.getProperty("config.storage.topic")).isEqualTo("hyphae-local-connect-configs");
        assertThat(p.getProperty("offset.storage.topic")).isEqualTo("hyphae-local-connect-offsets");
        assertThat(p.getProperty("status.storage.topic")).isEqualTo("hyphae-local-connect-status");
        assertThat(p.getProperty("config.storage.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("value.converter")).isEqualTo("org.apache.kafka.connect.converters.ByteArrayConverter");
        assertThat(p.getProperty("plugin.path")).isEqualTo(built.toAbsolutePath().toString());
        assertThat(p.getProperty("plugin.discovery")).isEqualTo("hybrid_warn");
        assertThat(p.getProperty("offset.flush.interval.ms")).isEqualTo("1000");
        assertThat(connect.url()).isEqualTo("http://127.0.0.1:41234");
        assertThat(connect.logFile()).isEqualTo(dir.resolve("connect/connect.log").toAbsolutePath());

        assertThat(connect.withPluginPath(List.of()).workerConfig().getProperty("plugin.path")).isNull();
    }

    @Test
    void theDefaultPluginPathIsTheWebhookCdcAndBridgeConnectorsOfTheSourceTree() {
        // these tests run from topology/target/test-classes of the source tree, which has connectors/
        assertThat(LocalConnect.defaultPluginPath()).hasSize(3);
        assertThat(LocalConnect.defaultPluginPath().get(0).toString())
                .endsWith("connectors" + File.separator + "webhook" + File.separator + "target" + File.separator + "plugin");
        assertThat(LocalConnect.defaultPluginPath().get(1).toString())
                .endsWith("connectors" + File.separator + "cdc" + File.separator + "target" + File.separator + "plugin");
        assertThat(LocalConnect.defaultPluginPath().get(2).toString())
                .endsWith("connectors" + File.separator + "bridges" + File.separator + "target" + File.separator + "plugin");
    }

    @Test
    void aFolderRemembersTheWorkersPort(@TempDir Path dir) throws Exception {
        assertThat(LocalConnect.in(dir).port()).isEqualTo(LocalConnect.DEFAULT_PORT);
        Files.createDirectories(dir.resolve("connect"));
        Files.writeString(dir.resolve("connect/port"), "40001");
        Files.createDirectories(dir.resolve("kafka"));
        Files.writeString(dir.resolve("kafka/port"), "40100");
        LocalConnect connect = LocalConnect.in(dir);
        assertThat(connect.port()).isEqualTo(40001);
        assertThat(connect.kafka().bootstrapServers()).isEqualTo("127.0.0.1:40100");
    }
}
