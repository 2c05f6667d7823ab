package io.hyphae.connect.webhook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector that delivers the stage topics of an application to all the subscribers kept as data in its topic
 * {@code <application>.subscribers} (those the HTTP API of {@code hyphae serve} manages), reading each record once: one
 * consumer group for all of them, a delivery engine per subscriber. See {@link FanOutSinkTask} and {@link FanOut}.
 */
public class FanOutSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return WebhookSinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new FanOutSinkConfig(props); // fails fast on a bad configuration
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FanOutSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(FanOutSinkConfig.TASK_ID, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return FanOutSinkConfig.CONFIG_DEF;
    }
}
