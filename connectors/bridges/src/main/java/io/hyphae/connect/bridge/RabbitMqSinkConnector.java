package io.hyphae.connect.bridge;

/** The sink connector of RabbitMQ bridges out; see {@link RabbitMqSinkTask}. */
public final class RabbitMqSinkConnector extends BridgeSinkConnector {

    public RabbitMqSinkConnector() {
        super(BridgeConfig.RABBITMQ, RabbitMqSinkTask.class);
    }
}
