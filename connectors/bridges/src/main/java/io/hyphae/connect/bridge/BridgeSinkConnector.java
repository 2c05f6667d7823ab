package io.hyphae.connect.bridge;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.List;
import java.util.Map;

/**
 * The sink connector of outbound bridges of one protocol: checks the configuration against the protocol's
 * {@link BridgeConfig} definition and hands it to up to {@code tasks.max} tasks of the protocol's task class.
 */
abstract class BridgeSinkConnector extends SinkConnector {

    private final ConfigDef definition;
    private final Class<? extends Task> taskClass;
    private Map<String, String> props;

    BridgeSinkConnector(ConfigDef definition, Class<? extends Task> taskClass) {
        this.definition = definition;
        this.taskClass = taskClass;
    }

    @Override
    public void start(Map<String, String> props) {
        new BridgeConfig(definition, props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return taskClass;
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
        return definition;
    }

    @Override
    public String version() {
        return BridgeConnectors.version();
    }
}
