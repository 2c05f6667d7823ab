package io.hyphae.connect.bridge;

import java.util.List;
import java.util.Map;

/** The source connector of MQTT bridges in: one task, since an MQTT session belongs to one client id; see {@link MqttSourceTask}. */
public final class MqttSourceConnector extends BridgeSourceConnector {

    public MqttSourceConnector() {
        super(BridgeConfig.MQTT, MqttSourceTask.class);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return super.taskConfigs(1);
    }
}
