package io.hyphae.stage.dedupe;

/** What a dedupe stage does with a duplicate (always counted as {@code duplicates}). */
public enum OnDuplicate {
    /** Drop it. */
    DROP,
    /** Send it to the dead-letter topic. */
    DEAD_LETTER
}
