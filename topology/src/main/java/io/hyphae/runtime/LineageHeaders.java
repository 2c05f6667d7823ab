package io.hyphae.runtime;

/**
 * Header names Hyphae writes. Values are UTF-8 text (numbers in decimal) so that any consumer,
 * kcat included, can read them. Every record on a stage topic carries three: a record's headers are
 * sized and written several times on its way to the broker, so lineage is kept to few, short ones.
 */
public final class LineageHeaders {

    /** The route and stage whose topic the record is on, as {@code <route>.<stage>}. */
    public static final String STAGE = "hyphae.stage";
    /**
     * Where the event entered Hyphae, as {@code <topic>-<partition>@<offset>} (Kafka's notation); kept
     * when a router passes the event to another route.
     */
    public static final String SOURCE = "hyphae.source";
    /** Wall-clock time in epoch milliseconds when the event entered Hyphae. */
    public static final String INGEST_TIME = "hyphae.ingest.time";
    /** On a router's output: the topic the event was sent to. */
    public static final String DESTINATION = "hyphae.destination";
    /** On dead-letter records: the failing {@code <route>.<stage>}, the reason and the exception class. */
    public static final String ERROR_STAGE = "hyphae.error.stage";
    public static final String ERROR_REASON = "hyphae.error.reason";
    public static final String ERROR_EXCEPTION = "hyphae.error.exception";
    /** Internal: the join key on a repartition topic. */
    public static final String JOIN_KEY = "hyphae.join-key";

    private LineageHeaders() {
    }

    /** The {@link #STAGE} value of a stage. */
    public static String stage(String route, String stage) {
        return route + "." + stage;
    }

    /** The {@link #SOURCE} value of a record's coordinates. */
    public static String source(String topic, int partition, long offset) {
        return (topic == null ? "" : topic) + "-" + partition + "@" + offset;
    }

    /** True for the headers Hyphae sets on every stage record, which a new route entry replaces. */
    public static boolean isStageScoped(String name) {
        return name.equals(STAGE) || name.equals(DESTINATION) || name.equals(JOIN_KEY);
    }
}
