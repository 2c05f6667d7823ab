package io.hyphae.it;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dead letters inspected, then replayed after the fix (a missing table row): exactly once, however often replay runs. */
@ExtendWith(RealKafkaExtension.class)
class DeadLetterReplayIT {

    @Test
    void inspectThenReplayAfterTheFix(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("replay");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                application: %1$s
                tables:
                  products: { topic: %1$s.products }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - priced: { enrich: { table: products, key: "value.sku", as: product } }
                """.formatted(name));
        RouteFile routes = new RouteFileLoader(n -> null).load(file);
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { })) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            kafka.send(name + ".products", "A", "{\"price\": 1}");
            kafka.send(name + ".orders", "o1", "{\"sku\": \"A\"}");
            kafka.send(name + ".orders", "o2", "{\"sku\": \"B\"}");
            kafka.send(name + ".orders", "o3", "{\"sku\": \"B\", \"qty\": 2}");
            assertThat(kafka.readCommitted(name + ".orders.dlq", 2, Duration.ofSeconds(60))).hasSize(2);

            Cli inspected = Cli.run("dlq", "inspect", "-f", file.toString(), "orders", "-b", cluster.bootstrapServers());
            assertThat(inspected.code()).as(inspected.err()).isZero();
            assertThat(inspected.out()).contains("key=o2 stage=orders.priced source=" + name + ".orders-")
                    .contains("reason: enrich miss: no row in table 'products' for key 'B'")
                    .contains("value:  {\"sku\": \"B\", \"qty\": 2}").contains("2 dead letters in " + name + ".orders.dlq");

            // The fix: the missing row arrives. Then replay, twice.
            kafka.send(name + ".products", "B", "{\"price\": 2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.streams().store(StoreQueryParameters.fromNameAndType(
                    "hyphae.table.products", QueryableStoreTypes.<Bytes, byte[]>keyValueStore())).get(Bytes.wrap("B".getBytes(StandardCharsets.UTF_8))) != null);
            Cli first = Cli.run("dlq", "replay", "-f", file.toString(), "orders", "-b", cluster.bootstrapServers());
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("replayed 2 dead letters from " + name + ".orders.dlq into " + name + ".orders");
            Cli second = Cli.run("dlq", "replay", "-f", file.toString(), "orders", "-b", cluster.bootstrapServers());
            assertThat(second.out()).contains("replayed 0 dead letters");

            List<Kafka.Text> priced = kafka.readCommitted(name + ".orders.priced", 3, Duration.ofSeconds(60));
            assertThat(priced).extracting(Kafka.Text::key).containsExactlyInAnyOrder("o1", "o2", "o3");
            assertThat(priced).filteredOn(r -> r.key().equals("o3")).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo("{\"sku\":\"B\",\"qty\":2,\"product\":{\"price\":2}}");
                assertThat(r.header("hyphae.replayed-from")).startsWith(name + ".orders.dlq-");
                assertThat(r.header("hyphae.source")).startsWith(name + ".orders-");
                assertThat(r.header("hyphae.error.reason")).isNull();
            });
            List<Kafka.Text> input = kafka.readCommitted(name + ".orders", 5, Duration.ofSeconds(10));
            assertThat(input).hasSize(5).filteredOn(r -> r.key().equals("o3")).extracting(Kafka.Text::value)
                    .containsOnly("{\"sku\": \"B\", \"qty\": 2}");
        }
    }
}
