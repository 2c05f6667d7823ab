package io.hyphae.bench.jmh;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a record's lineage headers cost the producer: the size estimate of {@code KafkaProducer.send} plus the
 * append into a batch ({@code MemoryRecordsBuilder}, as {@code ProducerBatch} does), for the priced event with
 * no headers, with the one lineage header of a stage-topic record ({@code hyphae.source}), and with the six
 * Hyphae wrote before (route, stage, source topic, partition and offset, ingest time), in the same run.
 */
public class HeadersBenchmark extends HotPathBenchmark {

    private static final int RECORDS = 100;

    @Param({"none", "lineage", "six"})
    public String headers;

    private Header[] recordHeaders;
    private byte[] key;
    private byte[] value;
    private ByteBuffer buffer;

    @Setup
    public void setUp() {
        recordHeaders = switch (headers) {
            case "none" -> new Header[0];
            case "lineage" -> new Header[] {header("hyphae.source", "customer.address-changed-2@1234567")};
            case "six" -> new Header[] {
                    header("hyphae.route", "address-changed"),
                    header("hyphae.source.topic", "customer.address-changed"),
                    header("hyphae.source.partition", "2"),
                    header("hyphae.source.offset", "1234567"),
                    header("hyphae.ingest.time", "1795370206111"),
                    header("hyphae.stage", "enriched")};
            default -> throw new IllegalArgumentException(headers);
        };
        key = "C-1001".getBytes(StandardCharsets.UTF_8);
        value = Events.PRICED_JSON.getBytes(StandardCharsets.UTF_8);
        buffer = ByteBuffer.allocate(256 * 1024);
    }

    private static Header header(String name, String text) {
        return new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void sizeAndAppend(Blackhole sink) {
        buffer.clear();
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        long now = 1_795_370_206_111L;
        for (int i = 0; i < RECORDS; i++) {
            sink.consume(AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE.type(),
                    key, value, recordHeaders));
            builder.append(now + i, key, value, recordHeaders);
        }
        sink.consume(builder.build());
    }
}
