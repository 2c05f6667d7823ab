package io.hyphae.connect.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one fan-out task reports for one runtime subscriber, as a record of the compacted topic
 * {@code <application>.subscribers.status} keyed {@code <subscriber>/<task>}: counts since the subscriber was added
 * (carried over when the task restarts), records taken but not complete, whether it is paused (410 Gone) or behind
 * (its backlog at the bound), and per partition the offset before which everything is complete for it.
 *
 * @param paused why delivery is stopped (410 Gone, an invalid definition), or empty
 * @param behind whether its backlog is at the bound: it takes no records until half of them are complete
 * @param definedMs when the definition the task delivers with was written to the subscriptions topic
 */
public record SubscriberStatus(String subscriber, int task, long delivered, long retried, long deadLettered, long filtered,
                               long pending, Optional<String> paused, boolean behind, Map<String, Long> positions, long definedMs,
                               long updatedMs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static String key(String subscriber, int task) {
        return subscriber + "/" + task;
    }

    /** The subscriber of a status key. */
    public static String subscriberOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    public byte[] json() {
        ObjectNode node = JSON.createObjectNode();
        node.put("subscriber", subscriber).put("task", task).put("delivered", delivered).put("retried", retried)
                .put("deadLettered", deadLettered).put("filtered", filtered).put("pending", pending);
        if (paused.isPresent()) {
            node.put("paused", paused.get());
        } else {
            node.putNull("paused");
        }
        node.put("behind", behind);
        ObjectNode p = node.putObject("positions");
        positions.forEach(p::put);
        node.put("defined", definedMs);
        node.put("updated", updatedMs);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SubscriberStatus parse(byte[] json) {
        try {
            JsonNode n = JSON.readTree(new String(json, StandardCharsets.UTF_8));
            Map<String, Long> positions = new TreeMap<>();
            n.path("positions").fields().forEachRemaining(e -> positions.put(e.getKey(), e.getValue().asLong()));
            return new SubscriberStatus(n.path("subscriber").asText(), n.path("task").asInt(), n.path("delivered").asLong(),
                    n.path("retried").asLong(), n.path("deadLettered").asLong(), n.path("filtered").asLong(), n.path("pending").asLong(),
                    n.path("paused").isTextual() ? Optional.of(n.path("paused").asText()) : Optional.empty(), n.path("behind").asBoolean(),
                    positions, n.path("defined").asLong(), n.path("updated").asLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("not a subscriber status: " + e.getMessage(), e);
        }
    }

    /**
     * The reports of every task for one subscriber added up: counts summed, paused if any task is, positions merged, the
     * definition the one every task delivers with (the oldest they report).
     */
    public static SubscriberStatus sum(String subscriber, Collection<SubscriberStatus> reports) {
        long delivered = 0, retried = 0, deadLettered = 0, filtered = 0, pending = 0, updated = 0;
        long defined = reports.isEmpty() ? 0 : Long.MAX_VALUE;
        Optional<String> paused = Optional.empty();
        boolean behind = false;
        Map<String, Long> positions = new TreeMap<>();
        for (SubscriberStatus r : reports) {
            delivered += r.delivered;
            retried += r.retried;
            deadLettered += r.deadLettered;
            filtered += r.filtered;
            pending += r.pending;
            updated = Math.max(updated, r.updatedMs);
            defined = Math.min(defined, r.definedMs);
            behind |= r.behind;
            if (paused.isEmpty()) {
                paused = r.paused;
            }
            r.positions.forEach((partition, offset) -> positions.merge(partition, offset, Math::max));
        }
        return new SubscriberStatus(subscriber, -1, delivered, retried, deadLettered, filtered, pending, paused, behind, positions, defined, updated);
    }
}
