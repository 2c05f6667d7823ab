package io.hyphae.connect;

import io.hyphae.client.TopicReader;
import io.hyphae.connect.webhook.SubscriberStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The delivery status of the HTTP API's subscribers, read from the fan-out connector's status topic and added up per subscriber. */
public final class SubscriberStatuses {

    private SubscriberStatuses() {
    }

    /** Each subscriber's reports of every task, summed; a subscriber no task reported yet is absent. */
    public static Map<String, SubscriberStatus> read(Properties client, String topic, Duration timeout) {
        Map<String, Map<String, SubscriberStatus>> reports = new LinkedHashMap<>();
        try (TopicReader reader = new TopicReader(client)) {
            reader.assign(reader.partitions(topic, timeout)).seekToBeginning();
            boolean complete = reader.readToEnd(timeout, batch -> batch.forEach(r -> {
                if (r.key() == null) {
                    return;
                }
                String key = new String(r.key(), StandardCharsets.UTF_8);
                Map<String, SubscriberStatus> tasks = reports.computeIfAbsent(SubscriberStatus.subscriberOf(key), s -> new TreeMap<>());
                if (r.value() == null) {
                    tasks.remove(key);
                } else {
                    try {
                        tasks.put(key, SubscriberStatus.parse(r.value()));
                    } catch (IllegalArgumentException e) {
                        tasks.remove(key);
                    }
                }
            }));
            if (!complete) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
            }
        }
        Map<String, SubscriberStatus> out = new TreeMap<>();
        reports.forEach((name, tasks) -> {
            if (!tasks.isEmpty()) {
                out.put(name, SubscriberStatus.sum(name, new ArrayList<>(tasks.values())));
            }
        });
        return out;
    }
}
