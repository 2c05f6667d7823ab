package io.hyphae.event;

/**
 * Header names Hyphae writes. Values are UTF-8 text so that any consumer, kcat included, can read them.
 * A record's headers are sized and written several times on its way to the broker, and each event
 * becomes a record per stage, so lineage holds only what the topic name does not already say: a stage
 * topic's record carries {@link #SOURCE} alone; a router adds {@link #DESTINATION} on its stage topic and
 * {@link #STAGE} on the topic it routes to.
 */
public final class LineageHeaders {

    /** On a router's output, outside Hyphae's stage topics: the router that sent it, as {@code <route>.<stage>}. */
    public static final String STAGE = "hyphae.stage";
    /**
     * Where the event entered Hyphae, as {@code <topic>-<partition>@<offset>} (Kafka's notation); kept
     * when a router passes the event to another route.
     */
    public static final String SOURCE = "hyphae.source";
    /** On a router's stage topic: the topic the event was sent to. */
    public static final String DESTINATION = "hyphae.destination";
    /** On dead-letter records: the failing {@code <route>.<stage>}, the reason and the exception class. */
    public static final String ERROR_STAGE = "hyphae.error.stage";
    public static final String ERROR_REASON = "hyphae.error.reason";
    public static final String ERROR_EXCEPTION = "hyphae.error.exception";
    /** On the children of a split stage: {@code <index>/<count>}, the index counted from 1. */
    public static final String SPLIT = "hyphae.split";
    /**
     * On the first event a resequence stage releases after skipping missing sequence numbers: the numbers skipped, as
     * {@code <first>-<last>} (e.g. {@code 5-7}, or {@code 5-5} for one).
     */
    public static final String RESEQUENCE_GAP = "hyphae.resequence.gap";
    /**
     * On events an edge node publishes: {@code <node>-<outbox sequence>}, the event's id (also in its value). Dead letters
     * keep it, so the node finds the writes the route rejected.
     */
    public static final String EVENT_ID = "hyphae.event-id";
    /**
     * On events an edge node publishes for a local {@code DELETE}: {@value #OP_DELETE}. Stages keep it, so a mirror of the
     * stage topic deletes the row of the record's key, as for a tombstone.
     */
    public static final String OP = "hyphae.op";
    public static final String OP_DELETE = "delete";
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
