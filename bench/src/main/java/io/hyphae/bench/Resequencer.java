package io.hyphae.bench;

import io.hyphae.format.PayloadFormat;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hand-written resequencer, with the semantics of the route's: per group (the drone's flight) readings are released
 * in consecutive {@code seq} order from {@code start}; an early one waits in the {@code held} store (keyed by group and
 * seq, so a range scan reads a group in order) with its key and timestamp; the {@code groups} store holds per group the
 * seq released last, how many are held and since when (wall clock) the group waits. A wall-clock punctuator releases
 * past a gap a group that waited {@code timeout} without releasing; beyond {@code capacity} held, the lowest is released
 * early; a reading at or behind what its group released is late (a dead letter).
 */
final class Resequencer implements Processor<String, Map<String, Object>, String, Resequencer.Released> {

    static final String HELD = "held";
    static final String GROUPS = "groups";
    private static final long NOT_WAITING = -1;

    /** An event in its group's order, or a late one (then {@code late} says why). */
    record Released(Map<String, Object> value, String late) {
    }

    private final PayloadFormat format;
    private final String topic;
    private final long start;
    private final long timeoutMs;
    private final int capacity;
    private ProcessorContext<String, Released> context;
    private KeyValueStore<Bytes, byte[]> held;
    private KeyValueStore<Bytes, byte[]> groups;

    /** @param topic what the held readings are encoded for (the format's topic argument) */
    Resequencer(PayloadFormat format, String topic, long start, Duration timeout, int capacity) {
        this.format = format;
        this.topic = topic;
        this.start = start;
        this.timeoutMs = timeout.toMillis();
        this.capacity = capacity;
    }

    /** Per group: the seq released last, how many are held, since when the group waits. */
    private static final class Group {
        long last;
        int held;
        long waitingSince = NOT_WAITING;

        byte[] bytes() {
            return ByteBuffer.allocate(20).putLong(last).putInt(held).putLong(waitingSince).array();
        }
    }

    @Override
    public void init(ProcessorContext<String, Released> context) {
        this.context = context;
        this.held = context.getStateStore(HELD);
        this.groups = context.getStateStore(GROUPS);
        context.schedule(Duration.ofMillis(Math.max(10, Math.min(1_000, timeoutMs / 10))), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, Map<String, Object>> record) {
        byte[] groupKey = FleetLogic.group(record.value()).getBytes(StandardCharsets.UTF_8);
        long seq = FleetLogic.seq(record.value());
        Bytes stateKey = Bytes.wrap(groupKey);
        Group group = read(groups.get(stateKey));
        if (seq <= group.last) {
            context.forward(record.withValue(new Released(record.value(), "sequence number " + seq + " is not after " + group.last)));
            return;
        }
        long now = context.currentSystemTimeMs();
        if (seq == group.last + 1) {
            context.forward(record.withValue(new Released(record.value(), null)));
            group.last = seq;
            releaseConsecutive(groupKey, group);
            waitFrom(group, now);
        } else {
            Bytes heldKey = heldKey(groupKey, seq);
            if (held.get(heldKey) != null) {
                context.forward(record.withValue(new Released(record.value(), "sequence number " + seq + " is already held")));
                return;
            }
            held.put(heldKey, keep(record));
            group.held++;
            if (group.waitingSince == NOT_WAITING) {
                group.waitingSince = now;
            }
            while (group.held > capacity) {
                releaseLowest(groupKey, group);
                releaseConsecutive(groupKey, group);
                waitFrom(group, now);
            }
        }
        groups.put(stateKey, group.bytes());
    }

    private void punctuate(long now) {
        List<KeyValue<Bytes, Group>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = groups.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                Group group = read(entry.value);
                if (group.held > 0 && now - group.waitingSince >= timeoutMs) {
                    due.add(KeyValue.pair(entry.key, group));
                }
            }
        }
        for (KeyValue<Bytes, Group> entry : due) {
            releaseLowest(entry.key.get(), entry.value);
            releaseConsecutive(entry.key.get(), entry.value);
            waitFrom(entry.value, now);
            groups.put(entry.key, entry.value.bytes());
        }
    }

    private Group read(byte[] bytes) {
        Group group = new Group();
        if (bytes == null) {
            group.last = start - 1;
        } else {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            group.last = b.getLong();
            group.held = b.getInt();
            group.waitingSince = b.getLong();
        }
        return group;
    }

    private static void waitFrom(Group group, long now) {
        group.waitingSince = group.held > 0 ? now : NOT_WAITING;
    }

    /** Releases the group's lowest held reading, past the gap before it. */
    private void releaseLowest(byte[] groupKey, Group group) {
        KeyValue<Bytes, byte[]> first;
        try (KeyValueIterator<Bytes, byte[]> it = held.range(heldKey(groupKey, Long.MIN_VALUE), heldKey(groupKey, Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                group.held = 0;
                return;
            }
            first = it.next();
        }
        ByteBuffer key = ByteBuffer.wrap(first.key.get());
        release(first.key, first.value, group, key.getLong(4 + key.getInt()) ^ Long.MIN_VALUE);
    }

    private void releaseConsecutive(byte[] groupKey, Group group) {
        while (group.held > 0) {
            Bytes next = heldKey(groupKey, group.last + 1);
            byte[] kept = held.get(next);
            if (kept == null) {
                return;
            }
            release(next, kept, group, group.last + 1);
        }
    }

    private void release(Bytes heldKey, byte[] kept, Group group, long seq) {
        context.forward(restore(kept));
        held.delete(heldKey);
        group.held--;
        group.last = seq;
    }

    /** [timestamp][key length][key][value]: what a held reading is forwarded with once released. */
    private byte[] keep(Record<String, Map<String, Object>> record) {
        byte[] key = record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = format.encode(topic, record.value());
        return ByteBuffer.allocate(12 + key.length + value.length).putLong(record.timestamp()).putInt(key.length).put(key).put(value).array();
    }

    private Record<String, Released> restore(byte[] kept) {
        ByteBuffer b = ByteBuffer.wrap(kept);
        long timestamp = b.getLong();
        byte[] key = new byte[b.getInt()];
        b.get(key);
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new Record<>(new String(key, StandardCharsets.UTF_8), new Released(format.decode(topic, value), null), timestamp);
    }

    /** [group length][group][seq, sign flipped]: byte order is seq order within a group. */
    private static Bytes heldKey(byte[] groupKey, long seq) {
        return Bytes.wrap(ByteBuffer.allocate(4 + groupKey.length + 8).putInt(groupKey.length).put(groupKey).putLong(seq ^ Long.MIN_VALUE).array());
    }
}
