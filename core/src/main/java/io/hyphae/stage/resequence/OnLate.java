package io.hyphae.stage.resequence;

/** What a resequence stage does with an event older than what it already released (always counted as {@code late}). */
public enum OnLate {
    /** Drop it. */
    DROP,
    /** Send it to the dead-letter topic. */
    DEAD_LETTER,
    /** Pass it on at once, out of order. */
    PASS
}
