package io.hyphae.plan;

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
 * </ul>
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
        return application + ".subscriber." + subscriber + "." + DEAD_LETTER_SUFFIX;
    }

    /** The Kafka Connect connector that delivers to a subscriber; its consumer group is {@code connect-<name>}. */
    public static String subscriberConnector(String application, String subscriber) {
        return application + "-subscriber-" + subscriber;
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
