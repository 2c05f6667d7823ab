package io.hyphae.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/topics/{topic}/events}: events sent over HTTP into the input topic of a route, with the idempotent
 * producer. The body is one event {@code {"value": ..., "key": ..., "headers": {...}}} or a list of them; each value is
 * written in the route's format (JSON as it came, Avro of the route's {@code schema}).
 */
final class EventIngest {

    static final String IDEMPOTENCY_HEADER = "hyphae.idempotency-key";
    /** Jackson's "(start marker at [Source: ...; line: 1, column: 1])" of an unclosed list or object. */
    private static final Pattern START_MARKER = Pattern.compile("\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)]\\)");

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

    /**
     * Produces the events and waits until the broker has them; the answer, {@code {"topic": ..., "records":
     * [{"partition": ..., "offset": ...}, ...]}}, lists where each landed (written as it is read, without a tree).
     */
    byte[] send(String topic, byte[] body, Optional<String> idempotencyKey) throws Refused, InterruptedException {
        RouteDefinition route = routesByInput.get(topic);
        if (route == null) {
            throw new Refused(404, "unknown-topic", "'" + topic + "' is not the input topic of a route of this file; inputs: " + topics());
        }
        List<ProducerRecord<byte[], byte[]>> records = records(route, body, idempotencyKey);
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        records.forEach(r -> sent.add(producer.send(r)));
        try (ByteArrayBuilder out = new ByteArrayBuilder(32 + 32 * records.size());
             JsonGenerator answer = HttpExchanges.JSON.getFactory().createGenerator(out)) {
            answer.writeStartObject();
            answer.writeStringField("topic", topic);
            answer.writeArrayFieldStart("records");
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                answer.writeStartObject();
                answer.writeNumberField("partition", m.partition());
                answer.writeNumberField("offset", m.offset());
                answer.writeEndObject();
            }
            answer.writeEndArray();
            answer.writeEndObject();
            answer.flush();
            return out.toByteArray();
        } catch (ExecutionException e) {
            throw new Refused(503, "not-produced", "the broker did not take the events: " + e.getCause().getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing into memory
        }
    }

    /**
     * The body's events as records, read in one pass of a streaming parser: a value is taken as the bytes it has in
     * the body (checked to be JSON, not rebuilt), so a JSON route gets it as it came; nothing but white space may
     * follow the event or the list.
     */
    List<ProducerRecord<byte[], byte[]>> records(RouteDefinition route, byte[] body, Optional<String> idempotencyKey) throws Refused {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(Math.min(maxBatch, 16 + body.length / 64));
        try (JsonParser parser = HttpExchanges.JSON.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new Refused(400, "invalid-json", "the body is empty; expected an event {\"value\": ...} or a list of them");
            }
            if (parser.currentTokenLocation().getByteOffset() < 0) {
                // Jackson read another encoding (UTF-16 or 32) through a Reader, which has no byte offsets; JSON on the wire is UTF-8.
                throw new Refused(400, "invalid-json", "the body is not JSON in UTF-8");
            }
            boolean batch = first == JsonToken.START_ARRAY;
            if (batch) {
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    records.add(record(route, parser, body, records.size(), idempotencyKey));
                }
                if (records.isEmpty() || records.size() > maxBatch) {
                    throw new Refused(400, "invalid-event", "a batch holds 1 to " + maxBatch + " events, not " + records.size());
                }
            } else {
                records.add(record(route, parser, body, -1, idempotencyKey));
            }
            if (parser.nextToken() != null) {
                throw new Refused(400, "invalid-json", "the body goes on after the " + (batch ? "list of events" : "event") + position(parser));
            }
        } catch (JsonProcessingException e) {
            throw new Refused(400, "invalid-json", "the body is not JSON" + position(e.getLocation()) + ": "
                    + START_MARKER.matcher(e.getOriginalMessage()).replaceAll("(opened at line $1, column $2)"));
        } catch (IOException e) {
            throw new Refused(400, "invalid-json", "the body is not JSON: " + e.getMessage());
        }
        return records;
    }

    /** How an error names the event: {@code event} alone, or {@code event[i]} in a batch. */
    private static String event(int index) {
        return index < 0 ? "event" : "event[" + index + "]";
    }

    /** One event, the parser on its first token; leaves the parser on its last. {@code index}: its place in a batch, or -1. */
    private ProducerRecord<byte[], byte[]> record(RouteDefinition route, JsonParser parser, byte[] body, int index,
                                                  Optional<String> idempotencyKey) throws Refused, IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new Refused(400, "invalid-event", event(index) + " is not an object {\"value\": ..., \"key\": ..., \"headers\": {...}}");
        }
        byte[] value = null;
        boolean valueIsObject = false;
        byte[] keyBytes = null;
        RecordHeaders headers = new RecordHeaders();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String field = parser.currentName();
            JsonToken v = parser.nextToken();
            switch (field) {
                case "value" -> {
                    int from = (int) parser.currentTokenLocation().getByteOffset();
                    valueIsObject = v == JsonToken.START_OBJECT;
                    parser.skipChildren();
                    parser.finishToken();
                    value = Arrays.copyOfRange(body, from, (int) parser.currentLocation().getByteOffset());
                }
                case "key" -> {
                    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY || v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        throw new Refused(400, "invalid-event", event(index) + ".key must be a string or a number");
                    }
                    keyBytes = v == JsonToken.VALUE_NULL ? null : parser.getText().getBytes(StandardCharsets.UTF_8);
                }
                case "headers" -> headers(parser, v, index, headers);
                default -> throw new Refused(400, "invalid-event", event(index) + " has an unknown field '" + field + "'; expected value, key, headers");
            }
        }
        if (value == null) {
            throw new Refused(400, "invalid-event", event(index) + " has no 'value'");
        }
        idempotencyKey.ifPresent(k -> headers.add(IDEMPOTENCY_HEADER, k.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(route.from(), null, keyBytes, encode(route, value, valueIsObject, index), headers);
    }

    private static void headers(JsonParser parser, JsonToken first, int index, RecordHeaders headers) throws Refused, IOException {
        if (first == JsonToken.VALUE_NULL) {
            return;
        }
        if (first != JsonToken.START_OBJECT) {
            throw new Refused(400, "invalid-event", event(index) + ".headers must be an object of names to strings");
        }
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                throw new Refused(400, "invalid-event", event(index) + ".headers." + name + " must be a string");
            }
            if (name.startsWith("hyphae.")) {
                throw new Refused(400, "invalid-event", event(index) + ".headers." + name + ": hyphae.* headers are set by Hyphae");
            }
            headers.add(name, parser.getText().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String position(JsonParser parser) {
        return position(parser.currentTokenLocation());
    }

    private static String position(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private byte[] encode(RouteDefinition route, byte[] json, boolean isObject, int index) throws Refused {
        if (route.format() == Format.JSON) {
            // As it came: a value the route cannot read (not an object) reaches its dead-letter topic, as from any producer.
            return json;
        }
        Schema schema = avroSchemas.get(route.from());
        if (schema == null) {
            throw new Refused(422, "no-schema", "route " + route.name() + " reads Avro but declares no 'schema', so JSON events "
                    + "cannot be written as Avro; give the route a schema");
        }
        if (!isObject) {
            throw new Refused(422, "invalid-event", event(index) + ".value must be an object to be written as Avro record "
                    + schema.getFullName());
        }
        try {
            return avroFormats.get(route.from()).encode(route.from(), schema, Formats.json().decode(route.from(), json));
        } catch (RuntimeException e) {
            throw new Refused(422, "invalid-event", event(index) + ".value does not fit Avro schema " + schema.getFullName() + ": " + e.getMessage());
        }
    }
}
