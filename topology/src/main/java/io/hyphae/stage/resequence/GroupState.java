package io.hyphae.stage.resequence;

import java.nio.ByteBuffer;

/**
 * What a resequence stage knows of one group, kept in its {@code groups} store: the position (sequence number or
 * timestamp) released last, whether anything was released yet, the largest position seen (time mode), how many
 * events are held, since when (wall-clock) the group waits without releasing, and the next tie-breaker.
 */
final class GroupState {

    static final long NOT_WAITING = -1;
    private static final int SIZE = 1 + 8 + 8 + 4 + 8 + 8;

    boolean started;
    long last;
    long maxSeen = Long.MIN_VALUE;
    int held;
    long waitingSince = NOT_WAITING;
    long counter;

    static GroupState read(byte[] bytes) {
        GroupState s = new GroupState();
        if (bytes != null) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            s.started = b.get() != 0;
            s.last = b.getLong();
            s.maxSeen = b.getLong();
            s.held = b.getInt();
            s.waitingSince = b.getLong();
            s.counter = b.getLong();
        }
        return s;
    }

    byte[] bytes() {
        return ByteBuffer.allocate(SIZE).put((byte) (started ? 1 : 0)).putLong(last).putLong(maxSeen).putInt(held)
                .putLong(waitingSince).putLong(counter).array();
    }
}
