package io.hyphae.plan;

import io.hyphae.route.BridgeDefinition;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;

import java.util.List;

/**
 * A bridge as the checker saw it: the Kafka topic it writes (in) or reads (out), that topic's format, the CEL
 * variables its template filters bind (in), and the names of its Kafka Connect connector and dead-letter topic.
 */
public record CheckedBridge(BridgeDefinition definition, String topic, Format format, KeyFormat keyFormat,
                            List<String> templateVariables, String connector, String deadLetterTopic) {
}
