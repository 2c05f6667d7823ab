package io.hyphae.runtime.internals;

import io.hyphae.plan.TopicNames;
import io.hyphae.runtime.NodeNames;
import io.hyphae.runtime.NotAuthorizedException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * Safety net for exceptions that escape a processor (stages catch their own): the input record
 * goes, with its original bytes, to the dead-letter topic of the route the processor belongs to,
 * and processing resumes. Processor names start with the route name ({@code <route>.<stage>...}).
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {

    public static final String APPLICATION_CONFIG = "hyphae.application";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    private String application;

    @Override
    public void configure(Map<String, ?> configs) {
        Object app = configs.get(APPLICATION_CONFIG);
        application = app == null ? String.valueOf(configs.get("application.id")) : app.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (NotAuthorizedException.authorizationCause(exception).isPresent()) {
            // A refused permission (a producer that may not write a topic fails every send after it): no dead letter
            // can help; the stream thread fails and the uncaught exception handler names the permission.
            return Response.fail();
        }
        String node = context.processorNodeId();
        Optional<String> route = NodeNames.route(node);
        if (route.isEmpty()) {
            // A table's update node: there is no route, so no dead-letter topic; a table row must not be skipped silently.
            LOG.error("Cannot process a record of {} ({}-{}@{})", node, context.topic(), context.partition(), context.offset(), exception);
            return Response.fail();
        }
        LOG.warn("Unexpected failure in {} for {}-{}@{}; sending the record to the dead-letter topic", node,
                context.topic(), context.partition(), context.offset(), exception);
        var headers = DeadLetters.headers(context.headers(), node, DeadLetters.reason(exception),
                exception.getClass().getName(), context.topic(), context.partition(), context.offset());
        ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(TopicNames.deadLetter(application, route.get()), null,
                context.timestamp(), context.sourceRawKey(), context.sourceRawValue(), headers);
        return Response.resume(List.of(dlq));
    }
}
