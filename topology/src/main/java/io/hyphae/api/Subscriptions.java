package io.hyphae.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyphae.client.TopicReader;
import io.hyphae.connect.webhook.StageCatalog;
import io.hyphae.plan.CheckedSubscriber;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Subscriptions as data: one record per subscriber in the compacted topic {@code <application>.subscribers}, keyed by
 * its name, its value the subscriber's fields as JSON (exactly the fields of the route file's {@code subscribers:}
 * section, checked by the same spec and checker); a tombstone removes it. Reads go to the topic each time, so every
 * server sees what every other server wrote.
 */
final class Subscriptions {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final RouteFile file;
    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final Properties clientProperties;
    private static final String SOURCE = "request body";

    private final RouteFileLoader loader = new RouteFileLoader(variable -> null);
    private final Set<String> stageTopics;

    Subscriptions(RouteFile file, String topic, Producer<byte[], byte[]> producer, Properties clientProperties) {
        this.file = file;
        this.topic = topic;
        this.producer = producer;
        this.clientProperties = clientProperties;
        this.stageTopics = StageCatalog.of(file).stages().stream().map(StageCatalog.Stage::topic).collect(Collectors.toSet());
    }

    String topic() {
        return topic;
    }

    /**
     * Checks the subscriber; throws the problems (paths relative to the subscriber) when it is not valid. It must read a
     * stage topic of the file: the fan-out connector reads those.
     */
    CheckedSubscriber check(String name, byte[] body) {
        CheckedSubscriber checked = loader.subscriber(file, SOURCE, name, new String(body, StandardCharsets.UTF_8));
        if (!stageTopics.contains(checked.topic())) {
            throw new RouteFileException(List.of(new Problem(checked.definition().location(), "topic", "'" + checked.topic()
                    + "' is not a stage topic of " + file.application() + "; subscribers of the API read the stage topics of the route file "
                    + "(give 'stage' as <route>.<stage>)")));
        }
        return checked;
    }

    /** Writes the subscriber (already checked) and waits for the broker; returns the record's timestamp. */
    long put(String name, JsonNode fields) throws IOException, InterruptedException, ExecutionException {
        return producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), HttpExchanges.JSON.writeValueAsBytes(fields))).get().timestamp();
    }

    void delete(String name) throws InterruptedException, ExecutionException {
        producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), null)).get();
    }

    /** Every subscriber now in the topic, by name. */
    Map<String, JsonNode> all() {
        Map<String, JsonNode> latest = new TreeMap<>();
        try (TopicReader reader = new TopicReader(clientProperties)) {
            reader.assign(reader.partitions(topic, READ_TIMEOUT)).seekToBeginning();
            boolean complete = reader.readToEnd(READ_TIMEOUT, batch -> batch.forEach(r -> {
                String name = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    latest.remove(name);
                } else {
                    try {
                        latest.put(name, HttpExchanges.JSON.readTree(r.value()));
                    } catch (IOException e) {
                        latest.remove(name); // not written by this API; ignored
                    }
                }
            }));
            if (!complete) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT.toSeconds() + " s");
            }
        }
        return latest;
    }

    Optional<JsonNode> get(String name) {
        return Optional.ofNullable(all().get(name));
    }
}
