package io.hyphae.connect.bridge;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** An MQTT 5 client of a bridge's broker, reconnecting on its own (100 ms, doubling up to 5 s). */
final class MqttConnection {

    private MqttConnection() {
    }

    static Mqtt5AsyncClient client(BridgeConfig config, String clientId) {
        URI url = URI.create(config.getString(BridgeConfig.MQTT_URL));
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("ssl") || scheme.equals("mqtts");
        if (!tls && !scheme.equals("tcp") && !scheme.equals("mqtt")) {
            throw new ConfigException(BridgeConfig.MQTT_URL, url.toString(), "expected tcp://, mqtt://, ssl:// or mqtts://");
        }
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5()
                .identifier(clientId)
                .serverHost(url.getHost())
                .serverPort(url.getPort() > 0 ? url.getPort() : tls ? 8883 : 1883)
                .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(5, TimeUnit.SECONDS).applyAutomaticReconnect();
        if (tls) {
            builder = builder.sslWithDefaultConfig();
        }
        String user = config.getString(BridgeConfig.MQTT_USERNAME);
        String password = config.password(BridgeConfig.MQTT_PASSWORD);
        if (!user.isEmpty() || !password.isEmpty()) {
            byte[] secret = password.getBytes(StandardCharsets.UTF_8);
            Mqtt5SimpleAuthBuilder start = Mqtt5SimpleAuth.builder();
            Mqtt5SimpleAuthBuilder.Complete auth = user.isEmpty() ? start.password(secret) : start.username(user);
            if (!user.isEmpty() && !password.isEmpty()) {
                auth = auth.password(secret);
            }
            builder = builder.simpleAuth(auth.build());
        }
        return builder.buildAsync();
    }

    /** The client id: the configured one, else the connector's name and the task's number. */
    static String clientId(BridgeConfig config, String connector, String task) {
        String configured = config.getString(BridgeConfig.MQTT_CLIENT_ID);
        String base = configured == null || configured.isBlank() ? connector : configured;
        return task == null ? base : base + "-" + task;
    }
}
