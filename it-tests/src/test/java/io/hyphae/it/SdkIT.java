package io.hyphae.it;

import io.hyphae.api.ApiServer;
import io.hyphae.format.Formats;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Node client's own tests (sdk/js) run against a real server on a real broker. */
@ExtendWith(RealKafkaExtension.class)
class SdkIT {

    private static final Path SDK = Path.of("../sdk/js");

    @Test
    void theNodeClientsTestsPassAgainstTheServer(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nodeAvailable(), "skipped: no node on the PATH to run sdk/js's tests");
        String name = Kafka.unique("sdk");
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                application: %1$s
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - checked: { validate: { required: [id] } }
                """.formatted(name));
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        Properties props = new Properties();
        props.put("bootstrap.servers", cluster.bootstrapServers());
        String token = "sdk-" + name;
        try (ApiServer server = new ApiServer(routes, new Formats(routes.registry()), props,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, ApiServer.DEFAULT_MAX_BODY).start()) {
            ProcessBuilder node = new ProcessBuilder("node", "--test", "test/").directory(SDK.toFile()).redirectErrorStream(true);
            node.environment().put("HYPHAE_API_URL", "http://127.0.0.1:" + server.address().getPort());
            node.environment().put("HYPHAE_API_TOKEN", token);
            node.environment().put("HYPHAE_API_TOPIC", name + ".orders");
            node.environment().put("HYPHAE_API_STAGE", "orders.checked");
            Process process = node.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("# pass 5").contains("# skipped 0").contains("# fail 0");
            List<Kafka.Text> sent = new Kafka(cluster.bootstrapServers()).readCommitted(name + ".orders", 4, Duration.ofSeconds(30));
            assertThat(sent).extracting(Kafka.Text::key).containsExactlyInAnyOrder("sdk-1", "sdk-2", "sdk-3", "sdk-4");
        }
    }

    private static boolean nodeAvailable() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
