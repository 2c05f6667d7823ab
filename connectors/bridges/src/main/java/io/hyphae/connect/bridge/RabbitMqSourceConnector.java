package io.hyphae.connect.bridge;

/** The source connector of RabbitMQ bridges in; see {@link RabbitMqSourceTask}. */
public final class RabbitMqSourceConnector extends BridgeSourceConnector {

    public RabbitMqSourceConnector() {
        super(BridgeConfig.RABBITMQ, RabbitMqSourceTask.class);
    }
}
