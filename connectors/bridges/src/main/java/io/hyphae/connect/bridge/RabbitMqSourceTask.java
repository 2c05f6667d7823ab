package io.hyphae.connect.bridge;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import io.hyphae.plan.BridgeVariables;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes the bridge's queue with manual acknowledgements and a bounded prefetch ({@code basic.qos}): a message is
 * acknowledged in {@link #commitRecord}, once Kafka has its record, so a crash leaves it unacknowledged and RabbitMQ
 * delivers it again (redelivered). The queue is declared durable if it does not exist, and bound to the exchange if one
 * is named.
 */
public final class RabbitMqSourceTask extends SourceTask {

    static final String PREFIX = "hyphae.amqp.";

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqSourceTask.class);
    private static final int BATCH = 1_000;

    private final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    private final Map<Long, Long> deliveryTags = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private Connection connection;
    private Channel channel;
    private InboundRecords records;

    @Override
    public String version() {
        return BridgeConnectors.version();
    }

    @Override
    public void start(Map<String, String> props) {
        BridgeConfig config = new BridgeConfig(BridgeConfig.RABBITMQ, props);
        records = new InboundRecords(config, BridgeVariables.RABBITMQ);
        String queue = config.getString(BridgeConfig.AMQP_QUEUE);
        if (queue.isBlank()) {
            throw new ConnectException(BridgeConfig.AMQP_QUEUE + " must name the queue an inbound bridge consumes");
        }
        String name = props.getOrDefault("name", config.name()) + "-" + props.getOrDefault(BridgeConnectors.TASK, "0");
        connection = RabbitMqConnection.open(config, name);
        try {
            declare(queue);
            channel = connection.createChannel();
            String exchange = config.getString(BridgeConfig.AMQP_EXCHANGE);
            if (!exchange.isEmpty()) {
                channel.queueBind(queue, exchange, config.getString(BridgeConfig.AMQP_BINDING_KEY));
            }
            channel.basicQos(config.getInt(BridgeConfig.AMQP_PREFETCH));
            channel.basicConsume(queue, false, name, (tag, delivery) -> received.add(delivery),
                    tag -> LOG.warn("bridge {}: the broker cancelled the consumer of queue {}", config.name(), queue));
        } catch (IOException e) {
            close();
            throw new ConnectException("cannot consume queue '" + queue + "': " + e.getMessage(), e);
        }
        LOG.info("bridge {}: consuming queue {}", config.name(), queue);
    }

    /** Declares the queue durable unless it exists (with whatever arguments it has). */
    private void declare(String queue) throws IOException {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclarePassive(queue);
            return;
        } catch (IOException missing) {
            // the passive declaration closed its channel: the queue does not exist
        } catch (Exception e) {
            // closing an already closed channel
        }
        try (Channel declare = connection.createChannel()) {
            declare.queueDeclare(queue, true, false, false, null);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Delivery first = received.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        List<Delivery> batch = new ArrayList<>();
        batch.add(first);
        received.drainTo(batch, BATCH - 1);
        List<SourceRecord> out = new ArrayList<>(batch.size());
        for (Delivery delivery : batch) {
            long seq = sequence.incrementAndGet();
            deliveryTags.put(seq, delivery.getEnvelope().getDeliveryTag());
            out.add(record(delivery, seq));
        }
        return out;
    }

    private SourceRecord record(Delivery delivery, long seq) {
        AMQP.BasicProperties p = delivery.getProperties();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("contentType", p.getContentType());
        properties.put("contentEncoding", p.getContentEncoding());
        properties.put("deliveryMode", p.getDeliveryMode() == null ? null : p.getDeliveryMode().longValue());
        properties.put("priority", p.getPriority() == null ? null : p.getPriority().longValue());
        properties.put("correlationId", p.getCorrelationId());
        properties.put("replyTo", p.getReplyTo());
        properties.put("expiration", p.getExpiration());
        properties.put("messageId", p.getMessageId());
        properties.put("timestamp", p.getTimestamp() == null ? null : p.getTimestamp().getTime());
        properties.put("type", p.getType());
        properties.put("userId", p.getUserId());
        properties.put("appId", p.getAppId());
        properties.values().removeIf(v -> v == null);
        ConnectHeaders headers = new ConnectHeaders();
        String exchange = delivery.getEnvelope().getExchange();
        String routingKey = delivery.getEnvelope().getRoutingKey();
        headers.addBytes(PREFIX + "exchange", exchange.getBytes(StandardCharsets.UTF_8));
        headers.addBytes(PREFIX + "routing-key", routingKey.getBytes(StandardCharsets.UTF_8));
        if (delivery.getEnvelope().isRedeliver()) {
            headers.addBytes(PREFIX + "redelivered", "true".getBytes(StandardCharsets.UTF_8));
        }
        InboundRecords.texts(properties).forEach((k, v) -> headers.addBytes(PREFIX + kebab(k), v.getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> amqpHeaders = p.getHeaders() == null ? Map.of() : p.getHeaders();
        Map<String, String> textHeaders = InboundRecords.texts(amqpHeaders);
        textHeaders.forEach((k, v) -> headers.addBytes(k, v.getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(BridgeVariables.PROPERTIES, Map.copyOf(properties));
        variables.put(BridgeVariables.ROUTING_KEY, routingKey);
        variables.put(BridgeVariables.EXCHANGE, exchange);
        return records.record(delivery.getBody(), variables, textHeaders, headers, seq,
                p.getTimestamp() == null ? null : p.getTimestamp().getTime());
    }

    /** {@code messageId} → {@code message-id}: the header names of the AMQP properties. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Kafka has the record: acknowledge the message to RabbitMQ. */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Object seq = record.sourceOffset().get("sequence");
        Long tag = seq == null ? null : deliveryTags.remove(((Number) seq).longValue());
        if (tag != null && channel != null) {
            try {
                channel.basicAck(tag, false);
            } catch (IOException | RuntimeException e) {
                // the channel went away: RabbitMQ delivers the message again
                LOG.warn("acknowledging a RabbitMQ message: {}", e.toString());
            }
        }
    }

    @Override
    public void stop() {
        close();
    }

    private void close() {
        Connection c = connection;
        if (c != null) {
            try {
                // messages not acknowledged go back to the queue
                c.close(10_000);
            } catch (Exception e) {
                LOG.warn("closing the RabbitMQ connection: {}", e.toString());
            }
        }
    }
}
