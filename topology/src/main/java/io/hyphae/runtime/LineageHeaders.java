package io.hyphae.runtime;

/**
 * Header names Hyphae writes. Values are UTF-8 text (numbers in decimal) so that any consumer,
 * kcat included, can read them.
 */
public final class LineageHeaders {

    /** The route that processed the record. */
    public static final String ROUTE = "hyphae.route";
    /** The stage whose topic the record is on. */
    public static final String STAGE = "hyphae.stage";
    /** Topic, partition and offset where the event entered Hyphae (kept across routes). */
    public static final String SOURCE_TOPIC = "hyphae.source.topic";
    public static final String SOURCE_PARTITION = "hyphae.source.partition";
    public static final String SOURCE_OFFSET = "hyphae.source.offset";
    /** Wall-clock time in epoch milliseconds when the event entered Hyphae. */
    public static final String INGEST_TIME = "hyphae.ingest.time";
    /** On a router's output: the topic the event was sent to. */
    public static final String DESTINATION = "hyphae.destination";
    /** On dead-letter records: the failing stage, the reason and the exception class. */
    public static final String ERROR_STAGE = "hyphae.error.stage";
    public static final String ERROR_REASON = "hyphae.error.reason";
    public static final String ERROR_EXCEPTION = "hyphae.error.exception";
    /** Internal: the join key on a repartition topic. */
    public static final String JOIN_KEY = "hyphae.join-key";

    private LineageHeaders() {
    }
}
