package io.hyphae.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.spec.SubscriberSpec;
import io.hyphae.spec.field.SchemaWriter;

import java.util.Iterator;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of the HTTP API, served at {@code /v1/openapi.json} and committed as
 * {@code schemas/hyphae-api.openapi.json}. The subscriber's schema is the one the route file's spec writes, so the
 * API, the route file and the docs describe one thing.
 */
public final class OpenApiDocument {

    private OpenApiDocument() {
    }

    public static ObjectNode generate() {
        ObjectNode doc = HttpExchanges.JSON.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Hyphae API");
        info.put("version", "1");
        info.put("description", "Send events into the routes of a route file, and manage webhook subscribers kept in the "
                + "topic <application>.subscribers, delivered by the fan-out connector <application>-subscribers. Served by `hyphae serve FILE`; every call but this document needs "
                + "`Authorization: Bearer <token>`.");
        doc.putArray("security").addObject().putArray("bearer");
        ObjectNode paths = doc.putObject("paths");

        ObjectNode events = paths.putObject("/v1/topics/{topic}/events").putObject("post");
        events.put("summary", "Send an event, or a batch of events, to the input topic of a route");
        events.put("operationId", "sendEvents");
        ArrayNode params = events.putArray("parameters");
        param(params, "topic", "path", true, "The `from` topic of a route of the file.");
        param(params, "Idempotency-Key", "header", false,
                "Makes a retried request produce once: a second request with the same key gets the first answer.");
        ObjectNode body = events.putObject("requestBody");
        body.put("required", true);
        ArrayNode shapes = json(body).putArray("oneOf");
        shapes.addObject().put("$ref", "#/components/schemas/Event");
        ObjectNode batch = shapes.addObject();
        batch.put("type", "array");
        batch.put("minItems", 1);
        batch.put("maxItems", ApiServer.MAX_BATCH);
        batch.putObject("items").put("$ref", "#/components/schemas/Event");
        ObjectNode responses = events.putObject("responses");
        response(responses, "202", "The broker has every event (acks=all, idempotent producer).", "Produced");
        errors(responses, "400", "401", "404", "413", "422", "503");

        ObjectNode list = paths.putObject("/v1/subscribers").putObject("get");
        list.put("summary", "Every subscriber in the subscriptions topic");
        list.put("operationId", "listSubscribers");
        ObjectNode all = list.putObject("responses").putObject("200");
        all.put("description", "Subscribers by name.");
        json(all).put("type", "object").putObject("additionalProperties").put("$ref", "#/components/schemas/Subscriber");
        errors((ObjectNode) list.get("responses"), "401");

        ObjectNode one = paths.putObject("/v1/subscribers/{name}");
        param(one.putArray("parameters"), "name", "path", true, "The subscriber's name: letters, digits, '-' and '_'.");
        ObjectNode put = one.putObject("put");
        put.put("summary", "Create or replace a subscriber");
        put.put("operationId", "putSubscriber");
        ObjectNode putBody = put.putObject("requestBody");
        putBody.put("required", true);
        json(putBody).put("$ref", "#/components/schemas/Subscriber");
        ObjectNode putResponses = put.putObject("responses");
        response(putResponses, "200", "Written to the subscriptions topic.", "Written");
        errors(putResponses, "400", "401", "413");
        response(putResponses, "422", "The subscriber is not valid; every problem with its field path.", "Problems");
        ObjectNode get = one.putObject("get");
        get.put("summary", "One subscriber");
        get.put("operationId", "getSubscriber");
        ObjectNode getResponses = get.putObject("responses");
        response(getResponses, "200", "The subscriber's fields.", "Subscriber");
        errors(getResponses, "401", "404");
        ObjectNode delete = one.putObject("delete");
        delete.put("summary", "Remove a subscriber");
        delete.put("operationId", "deleteSubscriber");
        ObjectNode deleteResponses = delete.putObject("responses");
        deleteResponses.putObject("204").put("description", "Removed (a tombstone in the subscriptions topic).");
        errors(deleteResponses, "401", "404");

        ObjectNode status = paths.putObject("/v1/subscribers/{name}/status");
        param(status.putArray("parameters"), "name", "path", true, "The subscriber's name.");
        ObjectNode getStatus = status.putObject("get");
        getStatus.put("summary", "What was delivered to a subscriber");
        getStatus.put("operationId", "getSubscriberStatus");
        getStatus.put("description", "Added up from what the fan-out connector's tasks last wrote to <application>.subscribers.status "
                + "(every second, and at each offset commit).");
        ObjectNode statusResponses = getStatus.putObject("responses");
        response(statusResponses, "200", "The subscriber's counts, backlog and state.", "SubscriberStatus");
        errors(statusResponses, "401", "404");

        ObjectNode components = doc.putObject("components");
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer");
        ObjectNode schemas = components.putObject("schemas");
        schemas.set("Event", event());
        schemas.set("Produced", produced());
        schemas.set("Written", written());
        schemas.set("Error", error());
        schemas.set("Problems", problems());
        schemas.set("SubscriberStatus", subscriberStatus());
        SchemaWriter writer = new SchemaWriter();
        schemas.set("Subscriber", SubscriberSpec.FIELDS.schema(writer));
        writer.defs().forEach(schemas::set);
        rewriteRefs(doc);
        return doc;
    }

    /** The document as committed: two-space indentation, a final newline. */
    public static String text() {
        return SchemaWriter.text(generate());
    }

    private static ObjectNode json(ObjectNode owner) {
        ObjectNode content = owner.has("content") ? (ObjectNode) owner.get("content") : owner.putObject("content");
        ObjectNode media = content.has("application/json") ? (ObjectNode) content.get("application/json") : content.putObject("application/json");
        return media.has("schema") ? (ObjectNode) media.get("schema") : media.putObject("schema");
    }

    private static void param(ArrayNode params, String name, String in, boolean required, String description) {
        ObjectNode p = params.addObject();
        p.put("name", name);
        p.put("in", in);
        p.put("required", required);
        p.put("description", description);
        p.putObject("schema").put("type", "string");
    }

    private static void response(ObjectNode responses, String status, String description, String schema) {
        ObjectNode r = responses.putObject(status);
        r.put("description", description);
        json(r).put("$ref", "#/components/schemas/" + schema);
    }

    private static void errors(ObjectNode responses, String... statuses) {
        Map<String, String> meaning = Map.of(
                "400", "Not JSON (with the position), or not an event.",
                "401", "No or a wrong bearer token; nothing was done.",
                "404", "No such topic (not a route's input) or subscriber.",
                "413", "The body is larger than the limit.",
                "422", "The event cannot be written in the route's format.",
                "503", "The broker did not take the events; nothing or part of a batch was written: retry with the same Idempotency-Key.");
        for (String status : statuses) {
            response(responses, status, meaning.get(status), "Error");
        }
    }

    private static ObjectNode event() {
        ObjectNode s = object("An event: its value (written in the route's format), its key and headers.");
        s.putArray("required").add("value");
        ObjectNode p = s.putObject("properties");
        p.putObject("value").put("description", "The event: a JSON object for JSON and Avro routes.");
        ObjectNode key = p.putObject("key");
        key.putArray("type").add("string").add("number").add("null");
        key.put("description", "The record key, as text; absent or null: no key.");
        ObjectNode headers = p.putObject("headers");
        headers.put("type", "object");
        headers.putObject("additionalProperties").put("type", "string");
        headers.put("description", "Record headers; names starting with hyphae. are reserved.");
        return s;
    }

    private static ObjectNode produced() {
        ObjectNode s = object("Where each event landed, in request order.");
        ObjectNode p = s.putObject("properties");
        p.putObject("topic").put("type", "string");
        ObjectNode records = p.putObject("records");
        records.put("type", "array");
        ObjectNode item = records.putObject("items");
        item.put("type", "object");
        ObjectNode ip = item.putObject("properties");
        ip.putObject("partition").put("type", "integer");
        ip.putObject("offset").put("type", "integer");
        return s;
    }

    private static ObjectNode written() {
        ObjectNode s = object("A subscriber written to the subscriptions topic.");
        ObjectNode p = s.putObject("properties");
        p.putObject("name").put("type", "string");
        p.putObject("topic").put("type", "string").put("description", "The topic the subscriber reads.");
        p.putObject("deadLetterTopic").put("type", "string");
        p.putObject("subscriptions").put("type", "string").put("description", "The subscriptions topic it was written to.");
        p.putObject("writtenAt").put("type", "string").put("format", "date-time").put("description",
                "The record's timestamp: a new subscriber receives the events written after it (unless it has 'from').");
        return s;
    }

    private static ObjectNode subscriberStatus() {
        ObjectNode s = object("A subscriber's delivery, as the fan-out connector reported it: counts since it was added (a task "
                + "that restarts carries them on; the requests of the last second before a crash may be counted again).");
        ArrayNode required = s.putArray("required");
        ObjectNode p = s.putObject("properties");
        p.putObject("name").put("type", "string");
        p.putObject("reported").put("type", "boolean").put("description", "Whether any task reported on it yet; false: every count is 0.");
        for (String[] count : new String[][] {
                {"delivered", "Requests answered with 2xx."},
                {"retried", "Attempts that were retried."},
                {"deadLettered", "Events written to its dead-letter topic."},
                {"filtered", "Events its filter skipped."},
                {"pending", "Events taken but not complete yet (in flight or waiting for a retry)."}}) {
            p.putObject(count[0]).put("type", "integer").put("minimum", 0).put("description", count[1]);
        }
        p.putObject("paused").put("type", "boolean").put("description", "Nothing is sent: it answered 410 Gone, or its definition "
                + "cannot be delivered. Writing it again (PUT) resumes it where it stopped.");
        p.putObject("reason").putArray("type").add("string").add("null");
        p.putObject("behind").put("type", "boolean").put("description",
                "Its backlog is at the bound: it takes no events until half of them are complete, then catches up.");
        p.putObject("deadLetterTopic").put("type", "string");
        ObjectNode defined = p.putObject("definedAt");
        defined.putArray("type").add("string").add("null");
        defined.put("format", "date-time");
        defined.put("description", "When the definition every task delivers with was written: once it is a PUT's writtenAt, the change is in effect.");
        ObjectNode positions = p.putObject("positions");
        positions.put("type", "object");
        positions.put("description", "Per <topic>-<partition>, the offset before which every event is complete for it.");
        positions.putObject("additionalProperties").put("type", "integer");
        ObjectNode updated = p.putObject("updated");
        updated.putArray("type").add("string").add("null");
        updated.put("format", "date-time");
        updated.put("description", "When the latest report was written.");
        for (String name : new String[] {"name", "reported", "delivered", "retried", "deadLettered", "filtered", "pending", "paused", "behind"}) {
            required.add(name);
        }
        return s;
    }

    private static ObjectNode error() {
        ObjectNode s = object("Why a request was refused.");
        s.putArray("required").add("error").add("message");
        ObjectNode p = s.putObject("properties");
        p.putObject("error").put("type", "string").put("description", "A short code, e.g. invalid-json, unknown-topic.");
        p.putObject("message").put("type", "string");
        return s;
    }

    private static ObjectNode problems() {
        ObjectNode s = object("Every problem of an invalid subscriber.");
        ObjectNode p = s.putObject("properties");
        p.putObject("error").put("type", "string");
        ObjectNode list = p.putObject("problems");
        list.put("type", "array");
        ObjectNode item = list.putObject("items");
        item.put("type", "object");
        ObjectNode ip = item.putObject("properties");
        ip.putObject("path").put("type", "string").put("description", "The field, e.g. retry.maxAttempts; empty: the whole subscriber.");
        ip.putObject("message").put("type", "string");
        ip.putObject("line").put("type", "integer");
        ip.putObject("column").put("type", "integer");
        return s;
    }

    private static ObjectNode object(String description) {
        ObjectNode s = HttpExchanges.JSON.createObjectNode();
        s.put("type", "object");
        s.put("description", description);
        return s;
    }

    /** The spec writes references to {@code #/$defs/...}; in an OpenAPI document they live under components. */
    private static void rewriteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.textValue().startsWith("#/$defs/")) {
                object.put("$ref", "#/components/schemas/" + ref.textValue().substring("#/$defs/".length()));
            }
            for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
                rewriteRefs(it.next());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(OpenApiDocument::rewriteRefs);
        }
    }
}
