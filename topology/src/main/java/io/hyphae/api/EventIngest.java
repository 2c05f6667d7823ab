package io.hyphae.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RouteDefinition;
import io.hyphae.route.RouteFile;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * {@code POST /v1/topics/{topic}/events}: events sent over HTTP into the input topic of a route, with the idempotent
 * producer. The body is one event {@code {"value": ..., "key": ..., "headers": {...}}} or a list of them; each value is
 * written in the route's format (JSON as it came, Avro of the route's {@code schema}).
 */
final class EventIngest {

    static final String IDEMPOTENCY_HEADER = "hyphae.idempotency-key";
    private static final Set<String> ENVELOPE_FIELDS = Set.of("value", "key", "headers");

    /** A request the API refuses, with its HTTP status. */
    static final class Refused extends Exception {
        final int status;
        final String error;

        Refused(int status, String error, String message) {
            super(message);
            this.status = status;
            this.error = error;
        }
    }

    private final Map<String, RouteDefinition> routesByInput = new LinkedHashMap<>();
    private final Map<String, Schema> avroSchemas = new LinkedHashMap<>();
    private final Map<String, AvroFormat> avroFormats = new LinkedHashMap<>();
    private final Producer<byte[], byte[]> producer;
    private final int maxBatch;

    EventIngest(RouteFile file, Formats formats, Producer<byte[], byte[]> producer, int maxBatch) {
        file.routes().values().forEach(r -> routesByInput.put(r.from(), r));
        for (RouteDefinition r : file.routes().values()) {
            if (r.format() == Format.AVRO) {
                r.schema().ifPresent(s -> avroSchemas.put(r.from(), new Schema.Parser().parse(s.text())));
                avroFormats.put(r.from(), (AvroFormat) formats.of(Format.AVRO, r.schema()));
            }
        }
        this.producer = producer;
        this.maxBatch = maxBatch;
    }

    /** The input topics events may be sent to. */
    Set<String> topics() {
        return routesByInput.keySet();
    }

    /** Produces the events and waits until the broker has them; the answer lists where each landed. */
    ObjectNode send(String topic, byte[] body, Optional<String> idempotencyKey) throws Refused, InterruptedException {
        RouteDefinition route = routesByInput.get(topic);
        if (route == null) {
            throw new Refused(404, "unknown-topic", "'" + topic + "' is not the input topic of a route of this file; inputs: " + topics());
        }
        JsonNode tree;
        try {
            tree = HttpExchanges.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new Refused(400, "invalid-json", "the body is not JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refused(400, "invalid-json", "the body is not JSON: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new Refused(400, "invalid-json", "the body is empty; expected an event {\"value\": ...} or a list of them");
        }
        List<JsonNode> events = new ArrayList<>();
        if (tree.isArray()) {
            tree.forEach(events::add);
            if (events.isEmpty() || events.size() > maxBatch) {
                throw new Refused(400, "invalid-event", "a batch holds 1 to " + maxBatch + " events, not " + events.size());
            }
        } else {
            events.add(tree);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            records.add(record(route, events.get(i), tree.isArray() ? "[" + i + "]" : "", idempotencyKey));
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        records.forEach(r -> sent.add(producer.send(r)));
        ObjectNode answer = HttpExchanges.JSON.createObjectNode();
        answer.put("topic", topic);
        ArrayNode landed = answer.putArray("records");
        try {
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                landed.addObject().put("partition", m.partition()).put("offset", m.offset());
            }
        } catch (ExecutionException e) {
            throw new Refused(503, "not-produced", "the broker did not take the events: " + e.getCause().getMessage());
        }
        return answer;
    }

    private ProducerRecord<byte[], byte[]> record(RouteDefinition route, JsonNode event, String at, Optional<String> idempotencyKey)
            throws Refused {
        if (!event.isObject()) {
            throw new Refused(400, "invalid-event", "event" + at + " is not an object {\"value\": ..., \"key\": ..., \"headers\": {...}}");
        }
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ENVELOPE_FIELDS.contains(field)) {
                throw new Refused(400, "invalid-event", "event" + at + " has an unknown field '" + field + "'; expected value, key, headers");
            }
        }
        JsonNode value = event.get("value");
        if (value == null) {
            throw new Refused(400, "invalid-event", "event" + at + " has no 'value'");
        }
        JsonNode key = event.get("key");
        byte[] keyBytes = null;
        if (key != null && !key.isNull()) {
            if (!key.isValueNode()) {
                throw new Refused(400, "invalid-event", "event" + at + ".key must be a string or a number");
            }
            keyBytes = key.asText().getBytes(StandardCharsets.UTF_8);
        }
        RecordHeaders headers = new RecordHeaders();
        JsonNode given = event.get("headers");
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw new Refused(400, "invalid-event", "event" + at + ".headers must be an object of names to strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                if (!h.getValue().isTextual()) {
                    throw new Refused(400, "invalid-event", "event" + at + ".headers." + h.getKey() + " must be a string");
                }
                if (h.getKey().startsWith("hyphae.")) {
                    throw new Refused(400, "invalid-event", "event" + at + ".headers." + h.getKey() + ": hyphae.* headers are set by Hyphae");
                }
                headers.add(h.getKey(), h.getValue().textValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        idempotencyKey.ifPresent(k -> headers.add(IDEMPOTENCY_HEADER, k.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(route.from(), null, keyBytes, encode(route, value, at), headers);
    }

    private byte[] encode(RouteDefinition route, JsonNode value, String at) throws Refused {
        byte[] json;
        try {
            json = HttpExchanges.JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "invalid-event", e.getOriginalMessage());
        }
        if (route.format() == Format.JSON) {
            // As it came: a value the route cannot read (not an object) reaches its dead-letter topic, as from any producer.
            return json;
        }
        Schema schema = avroSchemas.get(route.from());
        if (schema == null) {
            throw new Refused(422, "no-schema", "route " + route.name() + " reads Avro but declares no 'schema', so JSON events "
                    + "cannot be written as Avro; give the route a schema");
        }
        if (!value.isObject()) {
            throw new Refused(422, "invalid-event", "event" + at + ".value must be an object to be written as Avro record "
                    + schema.getFullName());
        }
        try {
            return avroFormats.get(route.from()).encode(route.from(), schema, Formats.json().decode(route.from(), json));
        } catch (RuntimeException e) {
            throw new Refused(422, "invalid-event", "event" + at + ".value does not fit Avro schema " + schema.getFullName() + ": " + e.getMessage());
        }
    }
}
