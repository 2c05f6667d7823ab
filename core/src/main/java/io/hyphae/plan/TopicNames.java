package io.hyphae.plan;

/**
 * The documented topic naming: a consumer can find any stage's topic from the route file alone.
 * <ul>
 *   <li>stage topic: {@code <application>.<route>.<stage>}</li>
 *   <li>dead-letter topic: {@code <application>.<route>.dlq}</li>
 *   <li>repartition topic of a partitioned enrich: {@code <application>.<route>.<stage>.repartition}</li>
 *   <li>dead-letter topic of a webhook subscriber: {@code <application>.subscriber.<name>.dlq}</li>
 *   <li>dead-letter topic of a protocol bridge: {@code <application>.bridge.<name>.dlq}</li>
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
}
