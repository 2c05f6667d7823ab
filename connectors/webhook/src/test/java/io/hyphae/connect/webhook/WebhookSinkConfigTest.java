package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class WebhookSinkConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(WebhookSinkConfig.SUBSCRIBER, "billing");
        props.put(WebhookSinkConfig.URL, "https://hooks.example.com/in");
        return props;
    }

    @Test
    void hasTheDocumentedDefaults() {
        WebhookSinkConfig config = new WebhookSinkConfig(minimal());
        assertThat(config.method()).isEqualTo("POST");
        assertThat(config.timeoutMs()).isEqualTo(10_000);
        assertThat(config.maxInFlight()).isEqualTo(64);
        assertThat(config.ordering()).isEqualTo(WebhookSinkConfig.Ordering.KEY);
        assertThat(config.maxBufferedRecords()).isEqualTo(10_000);
        assertThat(config.retryInitialBackoffMs()).isEqualTo(1_000);
        assertThat(config.retryMaxBackoffMs()).isEqualTo(3_600_000);
        assertThat(config.retryMultiplier()).isEqualTo(2.0);
        assertThat(config.retryJitter()).isEqualTo(0.2);
        assertThat(config.retryMaxAttempts()).isEqualTo(12);
        assertThat(config.retryMaxElapsedMs()).isEqualTo(86_400_000);
        assertThat(config.signingKeys()).isEmpty();
        assertThat(config.allowNetworks().refusal("127.0.0.1")).as("no network allowed").isPresent();
        assertThat(config.renderer()).isInstanceOf(RawRequestRenderer.class);
    }

    @Test
    void rejectsWhatIsNotAnHttpUrl() {
        for (String url : List.of("ftp://example.com/x", "example.com/x", "http:///nohost", "file:/etc/passwd")) {
            Map<String, String> props = minimal();
            props.put(WebhookSinkConfig.URL, url);
            assertThatThrownBy(() -> new WebhookSinkConfig(props)).as(url).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void rejectsBadValues() {
        for (Map.Entry<String, String> bad : Map.of(WebhookSinkConfig.MAX_IN_FLIGHT, "0",
            WebhookSinkConfig.ORDERING, "partition", WebhookSinkConfig.METHOD, "TRACE",
            WebhookSinkConfig.RETRY_JITTER, "1.5", WebhookSinkConfig.ALLOW_NETWORKS, "10.0.0.0/40").entrySet()) {
            Map<String, String> props = minimal();
            props.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> new WebhookSinkConfig(props)).as(bad.toString()).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void readsSeveralSecretsAndNeverShowsOneInAnError() {
        Map<String, String> props = minimal();
        props.put(WebhookSinkConfig.SECRETS, "whsec_c2VjcmV0MQ== whsec_c2VjcmV0Mg==,whsec_c2VjcmV0Mw==");
        assertThat(new WebhookSinkConfig(props).signingKeys()).extracting(String::new)
            .containsExactly("secret1", "secret2", "secret3");

        props.put(WebhookSinkConfig.SECRETS, "whsec_c2VjcmV0MQ== topsecret-value");
        assertThatThrownBy(() -> new WebhookSinkConfig(props))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("#2")
            .hasMessageNotContaining("topsecret-value")
            .hasMessageNotContaining("c2VjcmV0MQ");
    }

    @Test
    void connectorValidationRefusesAPrivateUrlUnlessItsNetworkIsAllowed() {
        WebhookSinkConnector connector = new WebhookSinkConnector();
        Map<String, String> props = minimal();
        props.put(WebhookSinkConfig.URL, "http://127.0.0.1:8080/in");
        assertThat(urlErrors(connector, props)).singleElement().asString().contains("allowNetworks");
        props.put(WebhookSinkConfig.ALLOW_NETWORKS, "127.0.0.1/32");
        assertThat(urlErrors(connector, props)).isEmpty();
    }

    private static List<String> urlErrors(WebhookSinkConnector connector, Map<String, String> props) {
        return connector.validate(props).configValues().stream()
            .filter(value -> value.name().equals(WebhookSinkConfig.URL))
            .findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void connectorGivesEveryTaskTheWholeConfigurationAndHasAVersion() {
        WebhookSinkConnector connector = new WebhookSinkConnector();
        connector.start(minimal());
        assertThat(connector.taskConfigs(3)).hasSize(3).allSatisfy(config -> assertThat(config).isEqualTo(minimal()));
        assertThat(connector.taskClass()).isEqualTo(WebhookSinkTask.class);
        assertThat(connector.version()).isNotBlank();
        assertThat(Set.copyOf(connector.config().names())).contains(WebhookSinkConfig.SECRETS,
            WebhookSinkConfig.RENDERER_CLASS);
    }
}
