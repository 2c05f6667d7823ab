package io.hyphae.stage.resequence;

/** How a resequence stage orders the events of a group. */
public enum ResequenceMode {
    /** By a sequence number: consecutive numbers, a gap waited for at most {@code timeout}. */
    SEQUENCE,
    /** By a timestamp: each event held for {@code grace}, released in event-time order. */
    TIME
}
