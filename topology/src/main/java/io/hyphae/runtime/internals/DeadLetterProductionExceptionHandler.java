package io.hyphae.runtime.internals;

import io.hyphae.plan.TopicNames;
import io.hyphae.runtime.NodeNames;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * A record Hyphae cannot write because of the record itself (too large for the topic, a value that
 * does not serialize) goes to its route's dead-letter topic instead, and processing resumes. The
 * dead-letter record keeps the input's original bytes when they fit, else it carries no value and its
 * headers say where the original is. Other errors (authorization, a missing topic...) stop the
 * application, as Kafka Streams does by default: those are not the record's fault.
 */
public final class DeadLetterProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    private String application;

    @Override
    public void configure(Map<String, ?> configs) {
        Object app = configs.get(DeadLetterProcessingExceptionHandler.APPLICATION_CONFIG);
        application = app == null ? String.valueOf(configs.get("application.id")) : app.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return Response.fail();
        }
        return deadLetter(context, record.topic(), exception);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return deadLetter(context, record.topic(), exception);
    }

    private Response deadLetter(ErrorHandlerContext context, String failedTopic, Exception exception) {
        String node = context.processorNodeId();
        Optional<String> route = NodeNames.route(node);
        if (route.isEmpty()) {
            // A table's update node: there is no route, so no dead-letter topic; a table row must not be skipped silently.
            LOG.error("Cannot process a record of {} ({}-{}@{})", node, context.topic(), context.partition(), context.offset(), exception);
            return Response.fail();
        }
        String deadLetterTopic = TopicNames.deadLetter(application, route.get());
        byte[] value = context.sourceRawValue();
        String reason = "cannot write to " + failedTopic + ": " + DeadLetters.reason(exception);
        if (failedTopic.equals(deadLetterTopic)) {
            // The original does not fit even there: keep a pointer to it instead.
            value = null;
            reason += "; the original stays at " + context.topic() + "-" + context.partition() + "@" + context.offset();
        }
        LOG.warn("{} ({}-{}@{}); sending it to {}", reason, context.topic(), context.partition(), context.offset(), deadLetterTopic);
        Headers headers = DeadLetters.headers(context.headers(), node, reason, exception.getClass().getName(),
                context.topic(), context.partition(), context.offset());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), context.sourceRawKey(), value, headers)));
    }
}
