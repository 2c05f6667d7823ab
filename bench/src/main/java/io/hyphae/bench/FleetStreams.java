package io.hyphae.bench;

import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * (b) The fleet job written directly with Kafka Streams, as its users write it: the DSL for the stateless stages (a
 * GlobalKTable join, one {@code to()} per stage topic), the Processor API for the stateful ones — {@link SeenIdsFilter}
 * (a window store of the ids seen) and, after a repartition by flight (the record key, the drone, is kept),
 * {@link Resequencer} (a buffer store, a group store and a wall-clock punctuator) — with the route's settings (ids
 * remembered 1 h; per flight from seq 1, a gap waited for 30 s, 100 held at most), the same serdes and guarantee, the
 * same topics as the route.
 */
public final class FleetStreams {

    static final Duration WITHIN = Duration.ofHours(1);
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int CAPACITY = 100;

    /** A decoded event, or the bytes that did not decode. */
    record Decoded(Map<String, Object> value, byte[] raw) {
    }

    private FleetStreams() {
    }

    public static void main(String[] argv) throws Exception {
        Systems.Args args = Systems.Args.parse(argv);
        Systems.runStreams(topology(args.payloadFormat(), args.topics().prefix(), args.topics().input(), args.topics().table()), args);
    }

    /** The job of application {@code app}: readings from {@code input}, the registry table from {@code table}. */
    static Topology topology(PayloadFormat format, String app, String input, String table) {
        Serde<Map<String, Object>> mapSerde = Serdes.serdeFrom(
                (Serializer<Map<String, Object>>) (topic, m) -> m == null ? null : format.encode(topic, m),
                (Deserializer<Map<String, Object>>) (topic, b) -> b == null ? null : format.decode(topic, b));
        Produced<String, Map<String, Object>> produced = Produced.with(Serdes.String(), mapSerde);
        String dlq = FleetWorkload.deadLetters(app);

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(SeenIdsFilter.STORE, WITHIN, WITHIN, false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Resequencer.HELD), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Resequencer.GROUPS), Serdes.Bytes(), Serdes.ByteArray()));
        GlobalKTable<String, Map<String, Object>> registry = builder.globalTable(table, Consumed.with(Serdes.String(), mapSerde));

        KStream<String, Decoded> decoded = builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .mapValues(bytes -> {
                    try {
                        Map<String, Object> value = format.decode(input, bytes);
                        return new Decoded(FleetLogic.eventId(value) == null ? null : value, bytes);
                    } catch (FormatException e) {
                        return new Decoded(null, bytes);
                    }
                });
        decoded.filter((k, d) -> d.value() == null).mapValues(Decoded::raw).to(dlq, Produced.with(Serdes.String(), Serdes.ByteArray()));

        // unique: dedupe by eventId; the duplicates to their audit topic
        KStream<String, SeenIdsFilter.Checked> checkedIds = decoded.filter((k, d) -> d.value() != null).mapValues(Decoded::value)
                .processValues(() -> new SeenIdsFilter(WITHIN), SeenIdsFilter.STORE);
        checkedIds.filter((k, c) -> c.duplicate()).mapValues(SeenIdsFilter.Checked::value).to(FleetWorkload.duplicates(app), produced);
        KStream<String, Map<String, Object>> unique = checkedIds.filter((k, c) -> !c.duplicate()).mapValues(SeenIdsFilter.Checked::value);
        unique.to(FleetWorkload.stage(app, "unique"), produced);

        // ordered: to the flight's partition, then resequence per flight
        KStream<String, Resequencer.Released> released = unique
                .repartition(Repartitioned.<String, Map<String, Object>>as("ordered").withKeySerde(Serdes.String()).withValueSerde(mapSerde)
                        .withStreamPartitioner((topic, key, value, partitions) -> Optional.of(Set.of(
                                Utils.toPositive(Utils.murmur2(FleetLogic.group(value).getBytes(StandardCharsets.UTF_8))) % partitions))))
                .process(() -> new Resequencer(format, input, 1, TIMEOUT, CAPACITY), Resequencer.HELD, Resequencer.GROUPS);
        released.filter((k, r) -> r.late() != null).mapValues(Resequencer.Released::value).to(dlq, produced);
        KStream<String, Map<String, Object>> ordered = released.filter((k, r) -> r.late() == null).mapValues(Resequencer.Released::value);
        ordered.to(FleetWorkload.stage(app, "ordered"), produced);

        // checked, registered, assessed, routed
        ordered.filter((k, v) -> !FleetLogic.valid(v)).to(dlq, produced);
        KStream<String, Map<String, Object>> checked = ordered.filter((k, v) -> FleetLogic.valid(v));
        checked.to(FleetWorkload.stage(app, "checked"), produced);
        KStream<String, Map<String, Object>> joined = checked.leftJoin(registry, (k, v) -> FleetLogic.droneId(v),
                (v, drone) -> drone == null ? null : withDrone(v, drone));
        joined.filter((k, v) -> v == null).mapValues(v -> "enrich miss".getBytes(StandardCharsets.UTF_8))
                .to(dlq, Produced.with(Serdes.String(), Serdes.ByteArray()));
        KStream<String, Map<String, Object>> registered = joined.filter((k, v) -> v != null);
        registered.to(FleetWorkload.stage(app, "registered"), produced);
        KStream<String, Map<String, Object>> assessed = registered.mapValues(v -> FleetLogic.assess(v, drone(v)));
        assessed.to(FleetWorkload.stage(app, "assessed"), produced);
        assessed.to(FleetWorkload.stage(app, "routed"), produced);
        assessed.to((k, v, ctx) -> FleetLogic.alert(v) ? FleetWorkload.alerts(app) : FleetWorkload.positions(app), produced);
        return builder.build();
    }

    /** The registered stage's record: the reading plus the drone's registry row under {@code drone}. */
    private static Map<String, Object> withDrone(Map<String, Object> value, Map<String, Object> drone) {
        Map<String, Object> out = Values.copyOf(value);
        out.put("drone", drone);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> drone(Map<String, Object> registered) {
        return (Map<String, Object>) registered.get("drone");
    }
}
