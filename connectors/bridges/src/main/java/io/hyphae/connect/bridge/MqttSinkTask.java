package io.hyphae.connect.bridge;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the events of a topic to MQTT, in offset order on one connection (so in order per key). {@link #put}
 * returns once every event of the batch is acknowledged by the broker (PUBACK for QoS 1, written for QoS 0) or
 * dead-lettered, so the offsets the worker commits afterwards are of events the broker has. A PUBACK with an error
 * reason code, a topic that is not a valid MQTT topic, or an expression that fails dead-letters the event with the
 * reason. A batch not acknowledged within {@code bridge.publish.timeout.ms} is retried (at least once).
 */
public final class MqttSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSinkTask.class);

    private Mqtt5AsyncClient client;
    private OutboundEvents events;
    private SinkDeadLetters deadLetters;
    private MqttQos qos;
    private boolean retain;
    private long timeoutMs;

    @Override
    public String version() {
        return BridgeConnectors.version();
    }

    @Override
    public void start(Map<String, String> props) {
        BridgeConfig config = new BridgeConfig(BridgeConfig.MQTT, props);
        events = new OutboundEvents(config, props, BridgeConfig.MQTT_TOPIC);
        deadLetters = new SinkDeadLetters(context.errantRecordReporter());
        qos = config.getInt(BridgeConfig.MQTT_QOS) == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE;
        retain = config.getBoolean(BridgeConfig.MQTT_RETAIN);
        timeoutMs = config.getLong(BridgeConfig.PUBLISH_TIMEOUT_MS);
        client = MqttConnection.client(config, MqttConnection.clientId(config, props.getOrDefault("name", config.name()),
                props.get(BridgeConnectors.TASK)));
        try {
            // clean start: what an outbound session would keep is the events Kafka keeps anyway
            client.connectWith().cleanStart(true).send().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConnectException("cannot connect to the MQTT broker " + config.getString(BridgeConfig.MQTT_URL) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<SinkRecord> sent = new ArrayList<>(records.size());
        List<CompletableFuture<Mqtt5PublishResult>> results = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            OutboundEvents.Outbound out = events.prepare(record);
            if (out == null) {
                continue;
            }
            if (out.problem() != null) {
                deadLetters.report(record, "no MQTT topic: " + out.problem());
                continue;
            }
            Mqtt5Publish publish;
            try {
                Mqtt5UserPropertiesBuilder properties = Mqtt5UserProperties.builder();
                out.headers().forEach(properties::add);
                publish = Mqtt5Publish.builder().topic(out.destination()).qos(qos).retain(retain).payload(out.payload())
                        .userProperties(properties.build()).build();
            } catch (IllegalArgumentException e) {
                deadLetters.report(record, "'" + out.destination() + "' cannot be published to: " + e.getMessage());
                continue;
            }
            sent.add(record);
            results.add(client.publish(publish));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (int i = 0; i < results.size(); i++) {
            try {
                Mqtt5PublishResult result = results.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (result.getError().isPresent()) {
                    deadLetters.report(sent.get(i), "the MQTT broker refused the message: " + result.getError().get().getMessage());
                }
            } catch (ExecutionException e) {
                deadLetters.report(sent.get(i), "the MQTT broker refused the message: " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                LOG.warn("MQTT broker did not acknowledge {} message(s) within {} ms; the batch is retried", results.size() - i, timeoutMs);
                throw new RetriableException("the MQTT broker did not acknowledge within " + timeoutMs + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while waiting for the MQTT broker");
            }
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            try {
                client.disconnect().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("disconnecting from the MQTT broker: {}", e.toString());
            }
        }
    }
}
