package io.hyphae.it;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Consumers at different stages of a running route on a real broker, and a reference table that changes. */
@ExtendWith(RealKafkaExtension.class)
class StageViewsIT {

    private HyphaeApplication app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static String routeFile(String app) {
        return """
                application: %1$s
                tables:
                  rates: { topic: %1$s.rates }
                routes:
                  quotes:
                    from: %1$s.requests
                    stages:
                      - checked: { validate: { required: [id, zone] } }
                      - rated: { enrich: { table: rates, key: "value.zone", as: rate } }
                      - priced: { transform: { set: { price: "double(value.amount) * double(rate.factor)" }, remove: [rate] } }
                """.formatted(app);
    }

    private HyphaeApplication start(KafkaCluster cluster, String name) throws Exception {
        RouteFile file = new RouteFileLoader(n -> null).load(name + ".yaml", routeFile(name));
        HyphaeApplication started = new HyphaeApplication(file, cluster.bootstrapServers(), m -> { });
        started.start();
        started.awaitRunning(Duration.ofSeconds(60));
        return started;
    }

    @Test
    void aConsumerGroupOnAMiddleStageSeesTheEventBeforeLaterTransformations(KafkaCluster cluster) throws Exception {
        String name = Kafka.unique("views");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        app = start(cluster, name);
        kafka.send(name + ".rates", "north", "{\"factor\": 1.5}");
        awaitRow(name, "north", "{\"factor\": 1.5}");
        kafka.send(name + ".requests", "q1", "{\"id\": \"q1\", \"zone\": \"north\", \"amount\": 100}");

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, name + "-policy-service");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(name + ".quotes.rated"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return !seen.isEmpty();
            });
            consumer.commitSync();
        }
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("q1");
            assertThat(r.value()).isEqualTo("{\"id\":\"q1\",\"zone\":\"north\",\"amount\":100,\"rate\":{\"factor\":1.5}}");
        });
        List<Kafka.Text> priced = kafka.readCommitted(name + ".quotes.priced", 1, Duration.ofSeconds(30));
        assertThat(priced).singleElement().extracting(Kafka.Text::value).isEqualTo("{\"id\":\"q1\",\"zone\":\"north\",\"amount\":100,\"price\":150.0}");
    }

    @Test
    void aChangedReferenceRowIsUsedByEventsThatArriveAfterIt(KafkaCluster cluster) throws Exception {
        String name = Kafka.unique("rates");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        app = start(cluster, name);
        kafka.send(name + ".rates", "south", "{\"factor\": 2}");
        awaitRow(name, "south", "{\"factor\": 2}");
        kafka.send(name + ".requests", "a", "{\"id\": \"a\", \"zone\": \"south\", \"amount\": 10}");
        assertThat(kafka.readCommitted(name + ".quotes.priced", 1, Duration.ofSeconds(30))).as("dlq: %s, checked: %s, state %s", kafka.readCommitted(name + ".quotes.dlq", 1, Duration.ofSeconds(2)), kafka.readCommitted(name + ".quotes.checked", 1, Duration.ofSeconds(2)), app.state()).hasSize(1);

        kafka.send(name + ".rates", "south", "{\"factor\": 3}");
        awaitRow(name, "south", "{\"factor\": 3}");
        kafka.send(name + ".requests", "b", "{\"id\": \"b\", \"zone\": \"south\", \"amount\": 10}");

        List<Kafka.Text> priced = kafka.readCommitted(name + ".quotes.priced", 2, Duration.ofSeconds(30));
        assertThat(priced).extracting(Kafka.Text::value).containsExactlyInAnyOrder(
                "{\"id\":\"a\",\"zone\":\"south\",\"amount\":10,\"price\":20.0}",
                "{\"id\":\"b\",\"zone\":\"south\",\"amount\":10,\"price\":30.0}");
    }

    /** Waits until the application's table holds the row: the global table is read by its own thread. */
    private void awaitRow(String name, String key, String value) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ReadOnlyKeyValueStore<Bytes, byte[]> store = app.streams().store(
                    StoreQueryParameters.fromNameAndType("hyphae.table.rates", QueryableStoreTypes.keyValueStore()));
            byte[] row = store.get(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)));
            return row != null && new String(row, StandardCharsets.UTF_8).equals(value);
        });
    }

}
