package io.hyphae.connect.webhook;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.Configurable;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a record into the request for one subscriber, or empty when the subscriber's filter does not match.
 * An instance is created per task from {@value WebhookSinkConfig#RENDERER_CLASS} and {@link #configure configured}
 * with the task's whole configuration; it is called from the task's thread only.
 */
public interface RequestRenderer extends Configurable {

    /** The request for {@code record}, or empty when the record is not for this subscriber. */
    Optional<WebhookRequest> render(SinkRecord record);

    @Override
    default void configure(Map<String, ?> configs) {
    }
}
