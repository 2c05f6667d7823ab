package io.hyphae.connect.webhook;

import io.hyphae.net.AddressRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector that delivers each record to one webhook subscriber: ordered per key, at most
 * {@code max.in.flight} requests at once, retried with backoff, signed per Standard Webhooks, guarded against
 * private addresses, and dead-lettered through Connect's error handling when it can never be delivered.
 * See {@link WebhookSinkConfig} for its configuration.
 */
public class WebhookSinkConnector extends SinkConnector {

    static final String VERSION = Optional.ofNullable(WebhookSinkConnector.class.getPackage().getImplementationVersion())
        .orElse("unknown");

    private Map<String, String> props;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new WebhookSinkConfig(props); // fails fast on a bad configuration
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return WebhookSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return WebhookSinkConfig.CONFIG_DEF;
    }

    /** Also refuses a URL whose host resolves to an address that the address rules refuse. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        ConfigValue url = find(config, WebhookSinkConfig.URL);
        ConfigValue networks = find(config, WebhookSinkConfig.ALLOW_NETWORKS);
        if (url == null || !url.errorMessages().isEmpty() || networks == null || !networks.errorMessages().isEmpty()) {
            return config;
        }
        try {
            String host = WebhookSinkConfig.parseUrl(WebhookSinkConfig.URL, (String) url.value()).getHost();
            @SuppressWarnings("unchecked")
            List<String> allowed = (List<String>) networks.value();
            AddressRules.allowing(allowed == null ? List.of() : allowed).refusal(host).ifPresent(url::addErrorMessage);
        } catch (ConfigException e) {
            url.addErrorMessage(e.getMessage());
        }
        return config;
    }

    private static ConfigValue find(Config config, String name) {
        return config.configValues().stream().filter(value -> value.name().equals(name)).findFirst().orElse(null);
    }
}
