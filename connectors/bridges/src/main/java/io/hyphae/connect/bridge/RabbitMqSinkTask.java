package io.hyphae.connect.bridge;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConfirmListener;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the events of a topic to a RabbitMQ exchange with publisher confirms, as mandatory messages (persistent by
 * default). {@link #put} returns once the broker confirmed every event of the batch, so the offsets the worker commits
 * afterwards are of events RabbitMQ has. An event the broker returns (no queue is bound for its routing key) or
 * nacks, or whose routing key expression fails, is dead-lettered with the reason. Record headers become AMQP headers.
 */
public final class RabbitMqSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqSinkTask.class);

    /** Publish sequence number to the record, until the broker confirms it. */
    private final ConcurrentNavigableMap<Long, SinkRecord> unconfirmed = new ConcurrentSkipListMap<>();
    /** Sequence numbers of records to dead-letter, with why (returned, nacked). */
    private final Map<Long, String> refused = new ConcurrentHashMap<>();
    private final Map<String, Long> byMessageId = new ConcurrentHashMap<>();
    /** Records the broker has settled (acked or nacked) in this batch. */
    private final Map<Long, SinkRecord> finished = new ConcurrentHashMap<>();
    private final Object confirmed = new Object();
    private Connection connection;
    private Channel channel;
    private OutboundEvents events;
    private SinkDeadLetters deadLetters;
    private String exchange;
    private boolean persistent;
    private long timeoutMs;

    @Override
    public String version() {
        return BridgeConnectors.version();
    }

    @Override
    public void start(Map<String, String> props) {
        BridgeConfig config = new BridgeConfig(BridgeConfig.RABBITMQ, props);
        events = new OutboundEvents(config, props, BridgeConfig.AMQP_ROUTING_KEY);
        deadLetters = new SinkDeadLetters(context.errantRecordReporter());
        exchange = config.getString(BridgeConfig.AMQP_EXCHANGE);
        persistent = config.getBoolean(BridgeConfig.AMQP_PERSISTENT);
        timeoutMs = config.getLong(BridgeConfig.PUBLISH_TIMEOUT_MS);
        connection = RabbitMqConnection.open(config, props.getOrDefault("name", config.name()) + "-" + props.getOrDefault(BridgeConnectors.TASK, "0"));
        try {
            channel = connection.createChannel();
            channel.confirmSelect();
            channel.addReturnListener(r -> {
                Long seq = byMessageId.get(r.getProperties().getMessageId());
                if (seq != null) {
                    refused.put(seq, "RabbitMQ returned the message: " + r.getReplyCode() + " " + r.getReplyText()
                            + " (exchange '" + r.getExchange() + "', routing key '" + r.getRoutingKey() + "')");
                }
            });
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    done(tag, multiple, null);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    done(tag, multiple, "RabbitMQ refused the message (basic.nack)");
                }
            });
        } catch (IOException e) {
            throw new ConnectException("cannot open a RabbitMQ channel: " + e.getMessage(), e);
        }
    }

    private void done(long tag, boolean multiple, String nack) {
        Map<Long, SinkRecord> settled = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
        if (nack != null) {
            settled.keySet().forEach(seq -> refused.putIfAbsent(seq, nack));
        }
        Map<Long, SinkRecord> copy = new HashMap<>(settled);
        copy.keySet().forEach(seq -> finished.put(seq, copy.get(seq)));
        settled.clear();
        synchronized (confirmed) {
            confirmed.notifyAll();
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            OutboundEvents.Outbound out = events.prepare(record);
            if (out == null) {
                continue;
            }
            if (out.problem() != null) {
                deadLetters.report(record, "no routing key: " + out.problem());
                continue;
            }
            String messageId = record.topic() + "/" + record.kafkaPartition() + "/" + record.kafkaOffset();
            Map<String, Object> headers = new HashMap<>(out.headers());
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .deliveryMode(persistent ? 2 : 1)
                    .contentType("application/json")
                    .messageId(messageId)
                    .timestamp(record.timestamp() == null ? null : new Date(record.timestamp()))
                    .headers(headers)
                    .build();
            long seq = channel.getNextPublishSeqNo();
            unconfirmed.put(seq, record);
            byMessageId.put(messageId, seq);
            try {
                channel.basicPublish(exchange, out.destination(), true, properties, out.payload());
            } catch (IOException | RuntimeException e) {
                unconfirmed.clear();
                byMessageId.clear();
                throw new RetriableException("publishing to RabbitMQ failed: " + e.getMessage(), e);
            }
        }
        awaitConfirms();
    }

    private void awaitConfirms() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (confirmed) {
            while (!unconfirmed.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !channel.isOpen()) {
                    LOG.warn("RabbitMQ did not confirm {} message(s); the batch is retried", unconfirmed.size());
                    unconfirmed.clear();
                    finished.clear();
                    refused.clear();
                    byMessageId.clear();
                    throw new RetriableException("RabbitMQ did not confirm within " + timeoutMs + " ms");
                }
                try {
                    confirmed.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RetriableException("interrupted while waiting for RabbitMQ's confirms");
                }
            }
        }
        finished.forEach((seq, record) -> {
            String why = refused.get(seq);
            if (why != null) {
                deadLetters.report(record, why);
            }
        });
        finished.clear();
        refused.clear();
        byMessageId.clear();
    }

    @Override
    public void stop() {
        if (connection != null) {
            try {
                connection.close(10_000);
            } catch (Exception e) {
                LOG.warn("closing the RabbitMQ connection: {}", e.toString());
            }
        }
    }
}
