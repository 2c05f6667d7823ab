package io.hyphae.connect.bridge;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.List;
import java.util.Map;

/** The sink connector of Mqtt bridges (up to tasks.max tasks); see {@link MqttSinkTask}. */
public final class MqttSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new BridgeConfig(BridgeConfig.MQTT, props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return BridgeConnectors.taskConfigs(props, maxTasks);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return BridgeConfig.MQTT;
    }

    @Override
    public String version() {
        return BridgeConnectors.version();
    }
}
