package io.hyphae.bench;

import io.hyphae.format.FormatException;
import io.hyphae.format.PayloadFormat;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * (b) The same job written directly with the Kafka Streams DSL, as its users write it: a GlobalKTable join,
 * decoded maps, one {@code to()} per stage topic (each re-serializes), the same serdes and guarantee as Hyphae.
 */
public final class HandWrittenStreams {

    /** A decoded event, or the bytes that did not decode. */
    record Decoded(Map<String, Object> value, byte[] raw) {
    }

    public static void main(String[] argv) throws Exception {
        Systems.Args args = Systems.Args.parse(argv);
        PayloadFormat format = args.payloadFormat();
        Workload.Topics t = args.topics();
        Serde<Map<String, Object>> mapSerde = Serdes.serdeFrom(
                (Serializer<Map<String, Object>>) (topic, m) -> m == null ? null : format.encode(topic, m),
                (Deserializer<Map<String, Object>>) (topic, b) -> b == null ? null : format.decode(topic, b));

        StreamsBuilder builder = new StreamsBuilder();
        GlobalKTable<String, Map<String, Object>> geo = builder.globalTable(t.table(), Consumed.with(Serdes.String(), mapSerde));
        KStream<byte[], Decoded> input = builder.stream(t.input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(bytes -> {
                    try {
                        return new Decoded(format.decode(t.input(), bytes), bytes);
                    } catch (FormatException e) {
                        return new Decoded(null, bytes);
                    }
                });
        input.filter((k, d) -> d.value() == null || !InsuranceLogic.valid(d.value())).mapValues(Decoded::raw)
                .to(t.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        KStream<byte[], Map<String, Object>> validated = input.filter((k, d) -> d.value() != null && InsuranceLogic.valid(d.value()))
                .mapValues(Decoded::value);
        validated.to(t.stage("validated"), Produced.with(Serdes.ByteArray(), mapSerde));
        KStream<byte[], Map<String, Object>> enriched = validated.leftJoin(geo, (k, v) -> InsuranceLogic.postalCode(v),
                (v, row) -> row == null ? null : InsuranceLogic.enrich(v, row));
        enriched.filter((k, v) -> v == null).mapValues(v -> "enrich miss".getBytes(StandardCharsets.UTF_8))
                .to(t.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        KStream<byte[], Map<String, Object>> joined = enriched.filter((k, v) -> v != null);
        joined.to(t.stage("enriched"), Produced.with(Serdes.ByteArray(), mapSerde));
        KStream<byte[], Map<String, Object>> priced = joined.mapValues(InsuranceLogic::price);
        priced.to(t.stage("priced"), Produced.with(Serdes.ByteArray(), mapSerde));
        priced.to(t.stage("routed"), Produced.with(Serdes.ByteArray(), mapSerde));
        priced.to((k, v, ctx) -> InsuranceLogic.high(v) ? t.review() : t.policy(), Produced.with(Serdes.ByteArray(), mapSerde));

        Systems.runStreams(builder.build(), args);
    }
}
