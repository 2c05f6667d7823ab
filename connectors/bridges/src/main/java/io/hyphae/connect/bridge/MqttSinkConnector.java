package io.hyphae.connect.bridge;

/** The sink connector of MQTT bridges out; see {@link MqttSinkTask}. */
public final class MqttSinkConnector extends BridgeSinkConnector {

    public MqttSinkConnector() {
        super(BridgeConfig.MQTT, MqttSinkTask.class);
    }
}
