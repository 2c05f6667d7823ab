package io.hyphae.stage.enrich;

/** What an enrich stage does when the table has no row for the key. */
public enum OnMiss {
    /** Continue with the {@code as} field set to null. */
    PASS,
    /** Drop the event (counted as {@code dropped}). */
    DROP,
    /** Send the event to the dead-letter topic. */
    DEAD_LETTER
}
