package io.hyphae.connect.bridge;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/** The source connector of Mqtt bridges (one task: an MQTT session belongs to one client id); see {@link MqttSourceTask}. */
public final class MqttSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new BridgeConfig(BridgeConfig.MQTT, props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return BridgeConnectors.taskConfigs(props, 1 /* one MQTT session, one client id */);
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
