package io.hyphae.stage.resequence;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.event.Event;
import io.hyphae.event.LineageHeaders;
import io.hyphae.format.Keys;
import io.hyphae.format.Values;
import io.hyphae.route.KeyFormat;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
import io.hyphae.stage.StageRuntime.KeptEvent;
import com.google.protobuf.Timestamp;
import io.hyphae.stage.StageCounter;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds each group's events in the {@code held} store, keyed by group and position so that a range scan reads a group
 * in order, and the group's {@link GroupState} in the {@code groups} store. Releases what is in order at once; a
 * wall-clock punctuator releases past a gap (sequence) or flushes an idle group (time) once the group has waited its
 * {@code timeout}/{@code grace} without releasing, counted while this task runs (not while a crashed process was down).
 * Both stores are changelogged: a held event survives a crash, and under exactly-once its release commits with the
 * store change that removes it, so it is released once.
 */
final class ResequenceLogic implements StageLogic {

    private final ResequenceMode mode;
    private final CompiledExpression by;
    private final CompiledExpression group;
    private final long holdMs;
    private final int capacity;
    private final OnLate onLate;
    private final ResequenceDefinition definition;
    private StageRuntime runtime;
    private KeyValueStore<Bytes, byte[]> held;
    private KeyValueStore<Bytes, byte[]> groups;
    private StageCounter late;
    private StageCounter gaps;
    private StageCounter releasedEarly;
    /** Wall-clock time this instance began its task: a group waits from then at the earliest. */
    private long startedAt;

    ResequenceLogic(ResequenceDefinition definition, CompiledExpression by, CompiledExpression group) {
        this.definition = definition;
        this.mode = definition.mode();
        this.by = by;
        this.group = group;
        this.holdMs = definition.hold().toMillis();
        this.capacity = definition.capacity();
        this.onLate = definition.onLate();
    }

    @Override
    public void init(StageRuntime runtime) {
        this.runtime = runtime;
        this.held = runtime.store(ResequenceSpec.HELD_STORE);
        this.groups = runtime.store(ResequenceSpec.GROUPS_STORE);
        this.late = runtime.counter("late");
        this.gaps = runtime.counter("gaps");
        this.releasedEarly = runtime.counter("released-early");
        // A group restored from the changelog may have begun waiting before a crash: the time the task was down (the
        // crash, a rebalance, the restore) is not waited, as the missing event may be in what is still to be processed.
        this.startedAt = runtime.wallClockTime();
        long interval = Math.max(10, Math.min(1_000, holdMs / 10));
        runtime.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public Outcome apply(Event event) {
        byte[] groupKey = Keys.encode(group.evaluate(event), KeyFormat.STRING);
        if (groupKey == null) {
            groupKey = new byte[0];
        }
        long position = position(by.evaluate(event));
        Bytes stateKey = Bytes.wrap(groupKey);
        GroupState state = GroupState.read(groups.get(stateKey));
        if (!state.started && mode == ResequenceMode.SEQUENCE && definition.start().isPresent()) {
            state.started = true;
            state.last = definition.start().get() - 1;
        }
        if (state.started && (mode == ResequenceMode.SEQUENCE ? position <= state.last : position < state.last)) {
            return late(event, (mode == ResequenceMode.SEQUENCE ? "sequence number " : "timestamp ") + position
                    + " is not after " + state.last + ", already released");
        }
        long now = runtime.wallClockTime();
        if (mode == ResequenceMode.SEQUENCE && state.started && position == state.last + 1) {
            runtime.emit(runtime.recordKey(), event, runtime.recordTimestamp());
            state.last = position;
            releaseConsecutive(groupKey, state);
            waitFrom(state, now);
            groups.put(stateKey, state.bytes());
            return Outcome.HANDLED;
        }
        Bytes heldKey = heldKey(groupKey, position, mode == ResequenceMode.TIME ? state.counter++ : 0);
        if (mode == ResequenceMode.SEQUENCE && held.get(heldKey) != null) {
            groups.put(stateKey, state.bytes());
            return late(event, "sequence number " + position + " is already held");
        }
        held.put(heldKey, runtime.keep(runtime.recordKey(), event, runtime.recordTimestamp()));
        state.held++;
        if (state.waitingSince == GroupState.NOT_WAITING) {
            state.waitingSince = now;
        }
        if (mode == ResequenceMode.TIME) {
            state.maxSeen = Math.max(state.maxSeen, position);
            boolean released = false;
            while (state.held > 0 && lowest(groupKey) <= state.maxSeen - holdMs) {
                releaseLowest(groupKey, state);
                released = true;
            }
            if (released) {
                waitFrom(state, now);
            }
        }
        while (state.held > capacity) {
            releasedEarly.increment();
            releaseLowest(groupKey, state);
            releaseConsecutive(groupKey, state);
            waitFrom(state, now);
        }
        groups.put(stateKey, state.bytes());
        return Outcome.HANDLED;
    }

    /** Groups that waited their time without releasing: past the gap (sequence), or everything held (time). */
    private void punctuate(long now) {
        List<KeyValue<Bytes, GroupState>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = groups.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                GroupState state = GroupState.read(entry.value);
                if (state.held > 0 && state.waitingSince != GroupState.NOT_WAITING
                        && now - Math.max(state.waitingSince, startedAt) >= holdMs) {
                    due.add(KeyValue.pair(entry.key, state));
                }
            }
        }
        for (KeyValue<Bytes, GroupState> entry : due) {
            byte[] groupKey = entry.key.get();
            GroupState state = entry.value;
            if (mode == ResequenceMode.SEQUENCE) {
                releaseLowest(groupKey, state);
                releaseConsecutive(groupKey, state);
            } else {
                while (state.held > 0) {
                    releaseLowest(groupKey, state);
                }
            }
            waitFrom(state, now);
            groups.put(entry.key, state.bytes());
        }
    }

    private static void waitFrom(GroupState state, long now) {
        state.waitingSince = state.held > 0 ? now : GroupState.NOT_WAITING;
    }

    /** Releases the group's lowest held event; in sequence mode, reports the numbers it skips. */
    private void releaseLowest(byte[] groupKey, GroupState state) {
        KeyValue<Bytes, byte[]> first;
        try (KeyValueIterator<Bytes, byte[]> it = held.range(heldKey(groupKey, Long.MIN_VALUE, Long.MIN_VALUE),
                heldKey(groupKey, Long.MAX_VALUE, Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                state.held = 0;
                return;
            }
            first = it.next();
        }
        long position = position(first.key);
        KeptEvent kept = runtime.restore(first.value);
        if (mode == ResequenceMode.SEQUENCE && state.started && position > state.last + 1) {
            gaps.increment();
            kept.event().headers().remove(LineageHeaders.RESEQUENCE_GAP);
            kept.event().headers().add(LineageHeaders.RESEQUENCE_GAP,
                    ((state.last + 1) + "-" + (position - 1)).getBytes(StandardCharsets.UTF_8));
        }
        release(first.key, kept, state, position);
    }

    /** Sequence mode: releases the held events that follow the last released one without a gap. */
    private void releaseConsecutive(byte[] groupKey, GroupState state) {
        if (mode != ResequenceMode.SEQUENCE) {
            return;
        }
        while (state.held > 0) {
            Bytes next = heldKey(groupKey, state.last + 1, 0);
            byte[] bytes = held.get(next);
            if (bytes == null) {
                return;
            }
            release(next, runtime.restore(bytes), state, state.last + 1);
        }
    }

    private void release(Bytes key, KeptEvent kept, GroupState state, long position) {
        runtime.emit(kept.key(), kept.event(), kept.timestamp());
        held.delete(key);
        state.held--;
        state.last = position;
        state.started = true;
    }

    private long lowest(byte[] groupKey) {
        try (KeyValueIterator<Bytes, byte[]> it = held.range(heldKey(groupKey, Long.MIN_VALUE, Long.MIN_VALUE),
                heldKey(groupKey, Long.MAX_VALUE, Long.MAX_VALUE))) {
            return it.hasNext() ? position(it.next().key) : Long.MAX_VALUE;
        }
    }

    private Outcome late(Event event, String reason) {
        late.increment();
        return switch (onLate) {
            case DROP -> Outcome.DROP;
            case PASS -> Outcome.CONTINUE;
            case DEAD_LETTER -> Outcome.deadLetter("late: " + reason);
        };
    }

    /** The position of an event: its sequence number, or its timestamp in epoch milliseconds. */
    private long position(Object value) {
        if (mode == ResequenceMode.SEQUENCE) {
            if (value instanceof Long || value instanceof Integer) {
                return ((Number) value).longValue();
            }
            if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
                return d.longValue();
            }
            throw new IllegalArgumentException("resequence: 'by' (" + by.text() + ") must give a whole sequence number but gave "
                    + describe(value));
        }
        if (value instanceof Timestamp t) {
            return t.getSeconds() * 1_000 + t.getNanos() / 1_000_000;
        }
        if (value instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("resequence: 'by' (" + by.text() + ") gave '" + s + "', not an RFC 3339 timestamp");
            }
        }
        throw new IllegalArgumentException("resequence: 'by' (" + by.text() + ") must give a timestamp (or epoch milliseconds) but gave "
                + describe(value));
    }

    private static String describe(Object value) {
        return Values.isNull(value) ? "null" : value + " (" + value.getClass().getSimpleName() + ")";
    }

    /** [group length][group][position, sign flipped][tie-breaker, sign flipped]: byte order is position order. */
    private static Bytes heldKey(byte[] groupKey, long position, long tieBreaker) {
        return Bytes.wrap(ByteBuffer.allocate(4 + groupKey.length + 16).putInt(groupKey.length).put(groupKey)
                .putLong(position ^ Long.MIN_VALUE).putLong(tieBreaker ^ Long.MIN_VALUE).array());
    }

    private static long position(Bytes heldKey) {
        ByteBuffer b = ByteBuffer.wrap(heldKey.get());
        int length = b.getInt();
        return b.getLong(4 + length) ^ Long.MIN_VALUE;
    }
}
