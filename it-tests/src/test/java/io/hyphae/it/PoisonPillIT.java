package io.hyphae.it;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.HyphaeApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad records of many kinds mixed into a valid stream on a real broker: each lands in the dead-letter
 * topic with its original bytes and a reason, every valid record around it is processed, and the
 * application never leaves RUNNING.
 */
@ExtendWith(RealKafkaExtension.class)
class PoisonPillIT {

    private record Pill(String kind, byte[] value, Map<String, String> headers, String failingStage) {
        static Pill json(String kind, String value, String stage) {
            return new Pill(kind, value.getBytes(StandardCharsets.UTF_8), Map.of("channel", "web"), stage);
        }
    }

    private static List<Pill> pills() {
        byte[] big = new byte[5 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        String deep = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
        List<Pill> pills = new ArrayList<>(List.of(
                Pill.json("truncated JSON", "{\"id\": \"o\", \"customerId\": ", "ingest"),
                new Pill("invalid UTF-8", new byte[] {'{', '"', 'i', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, Map.of("channel", "web"), "ingest"),
                new Pill("null value (tombstone)", null, Map.of("channel", "web"), "ingest"),
                new Pill("empty value", new byte[0], Map.of("channel", "web"), "ingest"),
                Pill.json("JSON array", "[1, 2, 3]", "ingest"),
                Pill.json("JSON string", "\"hello\"", "ingest"),
                Pill.json("JSON number", "42", "ingest"),
                Pill.json("trailing garbage", "{\"id\": \"o\"} trailing", "ingest"),
                Pill.json("nesting too deep", deep, "ingest"),
                new Pill("5 MB of junk", big, Map.of("channel", "web"), "ingest"),
                Pill.json("NaN literal", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": NaN}", "ingest"),
                Pill.json("missing required field", "{\"id\": \"o\", \"amount\": 3, \"items\": 1, \"tag\": \"t\"}", "checked"),
                Pill.json("required field null", "{\"id\": \"o\", \"customerId\": null, \"amount\": 3, \"items\": 1, \"tag\": \"t\"}", "checked"),
                Pill.json("wrong field type", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": \"ten\", \"items\": 1, \"tag\": \"t\"}", "checked"),
                Pill.json("rule false", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": -5, \"items\": 1, \"tag\": \"t\"}", "checked"),
                Pill.json("id too long", "{\"id\": \"" + "o".repeat(80) + "\", \"customerId\": \"c1\", \"amount\": 5, \"items\": 1, \"tag\": \"t\"}", "checked"),
                Pill.json("division by zero", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": 5, \"items\": 0, \"tag\": \"t\"}", "ratio"),
                Pill.json("field missing in CEL", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": 5, \"tag\": \"t\"}", "ratio"),
                Pill.json("int and double mixed", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": 5, \"items\": 2.5, \"tag\": \"t\"}", "ratio"),
                Pill.json("string plus int", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": 5, \"items\": 1, \"tag\": 7}", "ratio"),
                Pill.json("enrichment miss", "{\"id\": \"o\", \"customerId\": \"nobody\", \"amount\": 5, \"items\": 1, \"tag\": \"t\"}", "who"),
                new Pill("header missing", "{\"id\": \"o\", \"customerId\": \"c1\", \"amount\": 5, \"items\": 1, \"tag\": \"t\"}".getBytes(StandardCharsets.UTF_8),
                        Map.of(), "origin")));
        return pills;
    }

    @Test
    void everyBadRecordIsDeadLetteredWithItsBytesAndTheStreamGoesOn(KafkaCluster cluster) throws Exception {
        String name = Kafka.unique("pills");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name + ".orders", 2, (short) 1).configs(Map.of("max.message.bytes", "6291456")))).all().get();
        }
        kafka.send(name + ".customers", "c1", "{\"name\": \"Ada\"}");
        RouteFile routes = new RouteFileLoader(n -> null).load("pills.yaml", """
                application: %1$s
                tables:
                  customers: { topic: %1$s.customers }
                routes:
                  orders:
                    from: %1$s.orders
                    stages:
                      - checked: { validate: { required: [id, customerId, amount], rules: ["value.amount > 0", "size(value.id) < 50"] } }
                      - ratio: { transform: { set: { perItem: "value.amount / value.items", label: "value.id + '-' + value.tag" } } }
                      - who: { enrich: { table: customers, key: "value.customerId", as: customer } }
                      - origin: { transform: { set: { channel: "headers['channel']" } } }
                """.formatted(name));
        List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
        List<Pill> pills = pills();
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { })) {
            app.onStateChange(states::add);
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            states.clear();

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "6291456");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            int valid = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < pills.size(); i++) {
                    producer.send(valid(name, "v" + valid++));
                    Pill pill = pills.get(i);
                    RecordHeaders headers = new RecordHeaders();
                    pill.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
                    producer.send(new ProducerRecord<>(name + ".orders", null, ("pill-" + i).getBytes(StandardCharsets.UTF_8), pill.value(), headers));
                }
                // Lineage headers that are garbage are not the event's fault: it is processed, its lineage replaced.
                ProducerRecord<byte[], byte[]> odd = valid(name, "v" + valid++);
                odd.headers().add("hyphae.destination", new byte[] {(byte) 0xff}).add("hyphae.stage", new byte[0]);
                producer.send(odd);
                producer.send(valid(name, "v" + valid++));
                producer.flush();
            }

            List<Kafka.Text> dead = kafka.readCommitted(name + ".orders.dlq", pills.size(), Duration.ofSeconds(90));
            assertThat(dead).hasSize(pills.size());
            Map<String, Kafka.Text> byKey = new LinkedHashMap<>();
            dead.forEach(r -> byKey.put(r.key(), r));
            for (int i = 0; i < pills.size(); i++) {
                Pill pill = pills.get(i);
                Kafka.Text record = byKey.get("pill-" + i);
                assertThat(record).as(pill.kind()).isNotNull();
                assertThat(record.header("hyphae.error.stage")).as(pill.kind()).isEqualTo("orders." + pill.failingStage());
                assertThat(record.header("hyphae.error.reason")).as(pill.kind()).isNotBlank();
                assertThat(record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8).length)
                        .as(pill.kind() + " keeps its size").isEqualTo(pill.value() == null ? null : rawLength(pill));
            }
            assertThat(rawValues(kafka, name)).as("original bytes").containsAll(pills.stream().filter(x -> x.value() != null)
                    .map(x -> Arrays.hashCode(x.value())).toList());

            List<Kafka.Text> out = kafka.readCommitted(name + ".orders.origin", valid, Duration.ofSeconds(60));
            assertThat(out).hasSize(valid);
            assertThat(out).allSatisfy(r -> {
                assertThat(r.value()).contains("\"customer\":{\"name\":\"Ada\"}").contains("\"channel\":\"web\"");
                assertThat(r.header("hyphae.source")).startsWith(name + ".orders-");
                assertThat(r.header("hyphae.stage")).as("garbage lineage is dropped").isNull();
            });
            assertThat(states).as("the application stayed RUNNING").isEmpty();
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** The Avro kinds: bytes that are not a record of a registered schema, on a route that reads Avro. */
    @Test
    void badAvroIsDeadLetteredToo(KafkaCluster cluster, RegistryServer registry) throws Exception {
        String name = Kafka.unique("avro-pills");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".geo", 1);
        RouteFile routes = new RouteFileLoader(n -> null).load("avro-pills.yaml", """
                application: %1$s
                registry: { url: "%2$s" }
                routes:
                  rows:
                    from: %1$s.geo
                    format: avro
                    schema: "%3$s"
                    stages:
                      - banded: { transform: { set: { band: "value.accidentsPer1000 > 20.0 ? 'HIGH' : 'LOW'" } } }
                """.formatted(name, registry.url(), Path.of("../schemas/avro/insurance/GeoRisk.avsc").toAbsolutePath()));
        io.hyphae.format.avro.AvroFormat avro = (io.hyphae.format.avro.AvroFormat) new io.hyphae.format.Formats(
                io.hyphae.route.RegistrySettings.NONE.withUrl(registry.url())).of(io.hyphae.route.Format.AVRO, java.util.Optional.empty());
        org.apache.avro.Schema geo = new org.apache.avro.Schema.Parser().parse(Path.of("../schemas/avro/insurance/GeoRisk.avsc").toFile());
        org.apache.avro.Schema other = new org.apache.avro.Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"postalCode\",\"type\":\"long\"}]}");
        byte[] good = avro.encode(name + ".geo", geo, Map.of("postalCode", "8004", "region", "Zurich", "accidentsPer1000", 24.1));
        byte[] incompatible = avro.encode(name + ".other", other, Map.of("postalCode", 8004L));
        Map<String, byte[]> pills = new LinkedHashMap<>();
        pills.put("truncated Avro", Arrays.copyOf(good, good.length - 4));
        byte[] magic = good.clone();
        magic[0] = 7;
        pills.put("wrong magic byte", magic);
        byte[] unknown = good.clone();
        unknown[1] = 0x7f;
        pills.put("unknown schema id", unknown);
        pills.put("JSON instead of Avro", "{\"postalCode\": \"8004\"}".getBytes(StandardCharsets.UTF_8));
        pills.put("header only", Arrays.copyOf(good, 5));
        pills.put("trailing bytes", Arrays.copyOf(good, good.length + 3));
        pills.put("writer schema the reader cannot read", incompatible);
        pills.put("tombstone", null);
        try (HyphaeApplication app = new HyphaeApplication(routes, cluster.bootstrapServers(), m -> { });
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            int i = 0;
            for (Map.Entry<String, byte[]> pill : pills.entrySet()) {
                producer.send(new ProducerRecord<>(name + ".geo", ("good-" + i).getBytes(StandardCharsets.UTF_8), good));
                producer.send(new ProducerRecord<>(name + ".geo", pill.getKey().getBytes(StandardCharsets.UTF_8), pill.getValue()));
                i++;
            }
            producer.flush();
            List<Kafka.Text> dead = kafka.readCommitted(name + ".rows.dlq", pills.size(), Duration.ofSeconds(60));
            assertThat(dead).extracting(Kafka.Text::key).containsExactlyInAnyOrderElementsOf(pills.keySet());
            for (Kafka.Text d : dead) {
                assertThat(d.bytes()).as(d.key()).isEqualTo(pills.get(d.key()));
                assertThat(d.header("hyphae.error.stage")).as(d.key()).isEqualTo("rows.ingest");
                assertThat(d.header("hyphae.error.reason")).as(d.key()).startsWith("cannot decode: ");
            }
            assertThat(kafka.readCommitted(name + ".rows.banded", pills.size(), Duration.ofSeconds(60))).hasSize(pills.size());
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static int rawLength(Pill pill) {
        return new String(pill.value(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Hashes of the dead-letter values as raw bytes (text decoding would hide invalid UTF-8). */
    private static List<Integer> rawValues(Kafka kafka, String name) {
        return kafka.readCommittedBytes(name + ".orders.dlq", Duration.ofSeconds(30)).stream().map(Arrays::hashCode).toList();
    }

    private static ProducerRecord<byte[], byte[]> valid(String name, String id) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(name + ".orders", null, id.getBytes(StandardCharsets.UTF_8),
                ("{\"id\": \"" + id + "\", \"customerId\": \"c1\", \"amount\": 10, \"items\": 2, \"tag\": \"x\"}").getBytes(StandardCharsets.UTF_8));
        r.headers().add("channel", "web".getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
