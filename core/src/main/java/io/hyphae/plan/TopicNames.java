package io.hyphae.plan;

import java.util.Locale;

/**
 * The documented topic naming: a consumer can find any stage's topic from the route file alone.
 * <ul>
 *   <li>stage topic: {@code <application>.<route>.<stage>}</li>
 *   <li>dead-letter topic: {@code <application>.<route>.dlq}</li>
 *   <li>repartition topic of a partitioned enrich or a co-located stage: {@code <application>.<route>.<stage>.repartition}</li>
 *   <li>another output of a stage (e.g. a dedupe stage's audit of duplicates): {@code <application>.<route>.<stage>.<output>}</li>
 *   <li>state store of a stage: {@code <route>.<stage>.<store>}, its changelog (named by Kafka Streams)
 *       {@code <application>-<route>.<stage>.<store>-changelog}</li>
 *   <li>dead-letter topic of a webhook subscriber: {@code <application>.subscriber.<name>.dlq}</li>
 *   <li>subscribers kept as data (the HTTP API's): {@code <application>.subscribers}, compacted</li>
 *   <li>their delivery status: {@code <application>.subscribers.status}, compacted</li>
 *   <li>dead-letter topic of a protocol bridge: {@code <application>.bridge.<name>.dlq}</li>
 * </ul>
 * and the names of what Hyphae creates outside Kafka for a table fed from PostgreSQL: its connector
 * {@code <application>-table-<name>}, its replication slot and publication {@code hyphae_<application>_<name>}
 * (lower case, other characters than letters, digits and '_' as '_').
 */
public final class TopicNames {

    public static final String DEAD_LETTER_SUFFIX = "dlq";

    private TopicNames() {
    }

    public static String stage(String application, String route, String stage) {
        return application + "." + route + "." + stage;
    }

    public static String deadLetter(String application, String route) {
        return application + "." + route + "." + DEAD_LETTER_SUFFIX;
    }

    public static String subscriberDeadLetter(String application, String subscriber) {
        return subscriberDeadLetterPrefix(application) + subscriber + "." + DEAD_LETTER_SUFFIX;
    }

    /** What every subscriber's dead-letter topic starts with (an ACL prefix for subscribers that come and go). */
    public static String subscriberDeadLetterPrefix(String application) {
        return application + ".subscriber.";
    }

    /** The Kafka Connect connector that delivers to a subscriber; its consumer group is {@code connect-<name>}. */
    public static String subscriberConnector(String application, String subscriber) {
        return application + "-subscriber-" + subscriber;
    }

    /** The compacted topic of subscribers kept as data, one record per subscriber keyed by its name. */
    public static String subscriptions(String application) {
        return application + ".subscribers";
    }

    /** The compacted topic where the fan-out connector reports each runtime subscriber's counts and positions. */
    public static String subscriberStatus(String application) {
        return subscriptions(application) + ".status";
    }

    /**
     * The Kafka Connect connector that delivers the subscribers kept as data (one connector for all of them, reading
     * the stage topics once); its consumer group is {@code connect-<name>}.
     */
    public static String fanOutConnector(String application) {
        return application + "-subscribers";
    }

    /** The Kafka Connect connector (Debezium) that keeps a table's topic equal to its database table. */
    public static String tableConnector(String application, String table) {
        return application + "-table-" + table;
    }

    /**
     * The PostgreSQL replication slot (and publication) of a table's source: {@code hyphae_<application>_<table>},
     * folded to what PostgreSQL accepts (lower-case letters, digits and '_', at most 63 characters; a longer name
     * keeps its first 54 characters and a hash of the whole).
     */
    public static String replicationSlot(String application, String table) {
        String name = ("hyphae_" + application + "_" + table).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (name.length() <= 63) {
            return name;
        }
        return name.substring(0, 54) + "_" + String.format("%08x", name.hashCode());
    }

    /** The Debezium logical server name (topic.prefix) of a table's source; no topic of this name is written. */
    public static String tableSourcePrefix(String application, String table) {
        return "hyphae." + application + "." + table;
    }

    /** The dead-letter topic of a protocol bridge. */
    public static String bridgeDeadLetter(String application, String bridge) {
        return application + ".bridge." + bridge + "." + DEAD_LETTER_SUFFIX;
    }

    /** The Kafka Connect connector that runs a bridge; an outbound one's consumer group is {@code connect-<name>}. */
    public static String bridgeConnector(String application, String bridge) {
        return application + "-bridge-" + bridge;
    }

    public static String repartition(String application, String route, String stage) {
        return application + "." + route + "." + stage + ".repartition";
    }

    /** Another output of a stage than its stage topic, e.g. {@code duplicates}. */
    public static String output(String application, String route, String stage, String output) {
        return application + "." + route + "." + stage + "." + output;
    }

    /** The name of a stage's state store; route and stage names hold no dots, so it is unique in the application. */
    public static String store(String route, String stage, String store) {
        return route + "." + stage + "." + store;
    }

    /** The changelog topic Kafka Streams keeps for a store: {@code <application.id>-<store>-changelog}. */
    public static String changelog(String application, String storeName) {
        return application + "-" + storeName + "-changelog";
    }
}
