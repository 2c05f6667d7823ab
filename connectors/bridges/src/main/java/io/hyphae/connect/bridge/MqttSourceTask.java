package io.hyphae.connect.bridge;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import io.hyphae.plan.BridgeVariables;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Subscribes to the bridge's topic filters in a persistent MQTT 5 session (clean start off, the session kept
 * {@code mqtt.session.expiry.seconds}) with manual acknowledgement: a QoS 1 message is acknowledged (PUBACK) only
 * in {@link #commitRecord}, once Kafka has its record, so a crash leaves it unacknowledged and the broker delivers it
 * again. QoS 0 messages are at most once by the protocol itself.
 */
public final class MqttSourceTask extends SourceTask {

    static final String MQTT_TOPIC = "hyphae.mqtt.topic";
    static final String MQTT_QOS = "hyphae.mqtt.qos";
    static final String MQTT_RETAIN = "hyphae.mqtt.retain";
    static final String MQTT_CONTENT_TYPE = "hyphae.mqtt.content-type";

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceTask.class);
    private static final int BATCH = 1_000;

    private final BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
    private final Map<Long, Mqtt5Publish> unacknowledged = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private Mqtt5AsyncClient client;
    private InboundRecords records;
    private List<String> filters;

    @Override
    public String version() {
        return BridgeConnectors.version();
    }

    @Override
    public void start(Map<String, String> props) {
        BridgeConfig config = new BridgeConfig(BridgeConfig.MQTT, props);
        try {
            filters = new ObjectMapper().readValue(config.getString(BridgeConfig.MQTT_TOPICS), new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new ConnectException(BridgeConfig.MQTT_TOPICS + " must be a JSON array of topic filters", e);
        }
        if (filters.isEmpty()) {
            throw new ConnectException(BridgeConfig.MQTT_TOPICS + " names no topic filter");
        }
        List<String> variables = new ArrayList<>(BridgeVariables.MQTT);
        variables.addAll(BridgeVariables.templateVariables(filters));
        records = new InboundRecords(config, variables);
        MqttQos qos = config.getInt(BridgeConfig.MQTT_QOS) == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
        client = MqttConnection.client(config, MqttConnection.clientId(config, props.getOrDefault("name", config.name()), null));
        // before connecting: the session's pending messages arrive right after CONNACK
        client.publishes(MqttGlobalPublishFilter.ALL, received::add, true);
        try {
            client.connectWith().cleanStart(false).sessionExpiryInterval(config.getLong(BridgeConfig.MQTT_SESSION_EXPIRY_S))
                    .send().get(30, TimeUnit.SECONDS);
            List<Mqtt5Subscription> subscriptions = new ArrayList<>();
            for (String filter : filters) {
                subscriptions.add(Mqtt5Subscription.builder().topicFilter(BridgeVariables.subscription(filter)).qos(qos).build());
            }
            client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.disconnect();
            throw new ConnectException("cannot connect to the MQTT broker " + config.getString(BridgeConfig.MQTT_URL) + ": " + e.getMessage(), e);
        }
        LOG.info("bridge {}: subscribed to {} on {}", config.name(), filters, config.getString(BridgeConfig.MQTT_URL));
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Mqtt5Publish first = received.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return null;
        }
        List<Mqtt5Publish> batch = new ArrayList<>();
        batch.add(first);
        received.drainTo(batch, BATCH - 1);
        List<SourceRecord> out = new ArrayList<>(batch.size());
        for (Mqtt5Publish message : batch) {
            long seq = sequence.incrementAndGet();
            unacknowledged.put(seq, message);
            out.add(record(message, seq));
        }
        return out;
    }

    private SourceRecord record(Mqtt5Publish message, long seq) {
        String topic = message.getTopic().toString();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addBytes(MQTT_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.addBytes(MQTT_QOS, Integer.toString(message.getQos().getCode()).getBytes(StandardCharsets.UTF_8));
        if (message.isRetain()) {
            headers.addBytes(MQTT_RETAIN, "true".getBytes(StandardCharsets.UTF_8));
        }
        message.getContentType().ifPresent(t -> headers.addBytes(MQTT_CONTENT_TYPE, t.toString().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> userProperties = new LinkedHashMap<>();
        message.getUserProperties().asList().forEach(p -> {
            userProperties.put(p.getName().toString(), p.getValue().toString());
            headers.addBytes(p.getName().toString(), p.getValue().toString().getBytes(StandardCharsets.UTF_8));
        });
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put(BridgeVariables.TOPIC, topic);
        variables.put(BridgeVariables.TOPIC_LEVELS, List.of(topic.split("/", -1)));
        for (String filter : filters) {
            Optional<List<String[]>> bound = BridgeVariables.bind(filter, topic);
            if (bound.isPresent()) {
                bound.get().forEach(pair -> variables.putIfAbsent(pair[0], pair[1]));
            }
        }
        return records.record(message.getPayloadAsBytes(), variables, userProperties, headers, seq, null);
    }

    /** Kafka has the record (or a transform dropped it): acknowledge the message to the broker. */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Object seq = record.sourceOffset().get("sequence");
        Mqtt5Publish message = seq == null ? null : unacknowledged.remove(((Number) seq).longValue());
        if (message != null) {
            message.acknowledge();
        }
    }

    @Override
    public void stop() {
        Mqtt5AsyncClient c = client;
        if (c != null) {
            try {
                // messages not acknowledged stay in the session and come again
                c.disconnect().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("disconnecting from the MQTT broker: {}", e.toString());
            }
        }
    }
}
