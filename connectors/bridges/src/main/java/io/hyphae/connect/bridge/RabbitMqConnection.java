package io.hyphae.connect.bridge;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.apache.kafka.connect.errors.ConnectException;

/** A connection to a bridge's RabbitMQ broker, recovering on its own (every 2 s) with its channels and consumers. */
final class RabbitMqConnection {

    private RabbitMqConnection() {
    }

    static Connection open(BridgeConfig config, String clientName) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(config.password(BridgeConfig.AMQP_URI));
        } catch (Exception e) {
            // the URI holds credentials: never in the message
            throw new ConnectException(BridgeConfig.AMQP_URI + " is not a valid amqp:// or amqps:// URI");
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(2_000);
        factory.setConnectionTimeout(30_000);
        try {
            return factory.newConnection(clientName);
        } catch (Exception e) {
            throw new ConnectException("cannot connect to RabbitMQ at " + factory.getHost() + ":" + factory.getPort() + ": " + e.getMessage(), e);
        }
    }
}
