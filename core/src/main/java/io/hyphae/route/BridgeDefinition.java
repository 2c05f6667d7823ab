package io.hyphae.route;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A protocol bridge: messages of an MQTT or RabbitMQ broker enter a Kafka topic (normally a route's input), or the
 * events of a stage topic (or any topic) leave for such a broker. Run by a Kafka Connect connector of Hyphae's own.
 *
 * @param direction {@code IN}: broker to Kafka; {@code OUT}: Kafka to broker
 * @param route     in: the route whose input topic the messages enter
 * @param stage     out: the stage whose topic is delivered
 * @param topic     in: the topic the messages enter; out: the topic delivered (when no route or stage is named)
 * @param format    out with {@code topic}: the format of its events
 * @param key       in: the record key computed from the message; empty: no key
 * @param mqtt      the MQTT side, if this is an MQTT bridge
 * @param rabbitmq  the RabbitMQ side, if this is a RabbitMQ bridge
 */
public record BridgeDefinition(String name, Location location, Direction direction, Optional<String> route,
                               Optional<SubscriberDefinition.StageRef> stage, Optional<String> topic, Format format,
                               KeyFormat keyFormat, Optional<Expression> key, Optional<Mqtt> mqtt,
                               Optional<RabbitMq> rabbitmq) {

    public enum Direction { IN, OUT }

    /** The protocol's name in connector names and docs. */
    public String protocol() {
        return mqtt.isPresent() ? "mqtt" : "rabbitmq";
    }

    /**
     * An MQTT 5 broker.
     *
     * @param filters  in: topic filters; {@code {name}} stands for one level ({@code +}) and binds the CEL variable {@code name}
     * @param topic    out: the CEL expression of the topic each event is published to
     * @param qos      0 (at most once) or 1 (at least once)
     */
    public record Mqtt(URI url, Optional<String> clientId, Optional<String> username, Optional<Secret> password,
                       List<String> filters, Optional<Expression> topic, int qos, boolean retain, Duration sessionExpiry) {
    }

    /**
     * A RabbitMQ (AMQP 0-9-1) broker.
     *
     * @param queue      in: the queue consumed (declared durable if missing)
     * @param exchange   in: bound to the queue with {@code bindingKey}, if given; out: where events are published ("" the default exchange)
     * @param routingKey out: the CEL expression of each event's routing key
     */
    public record RabbitMq(Secret uri, Optional<String> queue, Optional<String> exchange, String bindingKey, int prefetch,
                           Optional<Expression> routingKey, boolean persistent) {
    }
}
