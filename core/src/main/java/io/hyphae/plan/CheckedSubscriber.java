package io.hyphae.plan;

import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.SubscriberDefinition;

/**
 * A subscriber as the checker saw it: the topic it reads, the format of that topic's events, and the names of what
 * delivers to it (its Kafka Connect connector) and what keeps what could not be delivered (its dead-letter topic).
 */
public record CheckedSubscriber(SubscriberDefinition definition, String topic, Format format, KeyFormat keyFormat,
                                String connector, String deadLetterTopic) {
}
