package io.hyphae.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.BridgeDefinition;
import io.hyphae.route.BridgeDefinition.Direction;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Secret;
import io.hyphae.route.SubscriberDefinition.StageRef;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The route-file spec of a {@code bridges.<name>} entry: an MQTT or RabbitMQ broker whose messages enter a route
 * ({@code direction: in}), or to which the events of a stage topic are published ({@code direction: out}).
 */
public final class BridgeSpec {

    public static final int DEFAULT_PREFETCH = 500;
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
    static final Set<String> MQTT_SCHEMES = Set.of("tcp", "mqtt", "ssl", "mqtts");
    static final Set<String> AMQP_SCHEMES = Set.of("amqp", "amqps");

    // mqtt
    static final Field<URI> MQTT_URL = Field.required("url", url(MQTT_SCHEMES, false),
            "The broker: `tcp://host:port` (or `mqtt://`; port 1883 by default), `ssl://host:port` (or `mqtts://`; TLS, "
                    + "port 8883 by default, the JVM's trust store). Credentials go in `username` and `password`.").example("tcp://127.0.0.1:1883");
    static final Field<String> MQTT_CLIENT_ID = Field.optional("clientId", Shapes.text(),
            "The MQTT client id: it names the broker's session, so a restarted connector gets the messages it has not acknowledged.")
            .defaultText("the connector's name");
    static final Field<String> MQTT_USERNAME = Field.optional("username", Shapes.anyText("text"), "User name (take it from the environment).")
            .example("${MQTT_USER:}");
    static final Field<String> MQTT_PASSWORD = Field.optional("password", Shapes.anyText("text"),
            "Password (from the environment; never printed).").example("${MQTT_PASSWORD:}");
    static final Field<List<String>> MQTT_TOPICS = Field.optional("topics", Shapes.listOf(Shapes.text(), 1, "at least one topic filter is needed"),
            "In: the topic filters subscribed to. `+` and `#` as in MQTT; `{name}` stands for one level (`+`) and makes "
                    + "that level the CEL variable `name` of `key`.").example("[\"fleet/{droneId}/telemetry\"]");
    static final Field<Expression> MQTT_TOPIC = Field.optional("topic", Shapes.expression(ResultKind.ANY),
            "Out: the CEL expression of the topic each event is published to (over `value`, `key`, `headers`).")
            .example("\"'fleet/' + value.droneId + '/alerts'\"");
    static final Field<Integer> MQTT_QOS = Field.optional("qos", Shapes.integer(0, 1),
            "`1`: at least once (in: acknowledged to the broker once Kafka has the record; out: the offset is committed "
                    + "once the broker's PUBACK came). `0`: at most once, best effort.").defaultValue(1);
    static final Field<Boolean> MQTT_RETAIN = Field.optional("retain", Shapes.bool(), "Out: publish retained messages.").defaultValue(false);
    static final Field<Duration> MQTT_SESSION_EXPIRY = Field.optional("sessionExpiry", Shapes.duration(Duration.ofSeconds(1), Duration.ofDays(365)),
            "In: how long the broker keeps the session (subscriptions, messages not yet acknowledged, QoS 1 messages "
                    + "published meanwhile) while the connector is away.").defaultValue(DEFAULT_SESSION_EXPIRY);
    public static final Fields MQTT_FIELDS = Fields.of("An MQTT 5 broker (HiveMQ client).", MQTT_URL, MQTT_CLIENT_ID, MQTT_USERNAME,
            MQTT_PASSWORD, MQTT_TOPICS, MQTT_TOPIC, MQTT_QOS, MQTT_RETAIN, MQTT_SESSION_EXPIRY);

    // rabbitmq
    static final Field<URI> AMQP_URI = Field.required("uri", url(AMQP_SCHEMES, true),
            "The broker: `amqp://user:password@host:port/vhost` (`amqps://` for TLS, the JVM's trust store). Take the "
                    + "credentials from the environment; the URI is never printed.").example("amqp://${RABBIT_USER}:${RABBIT_PASSWORD}@127.0.0.1:5672/%2f");
    static final Field<String> AMQP_QUEUE = Field.optional("queue", Shapes.text(),
            "In: the queue consumed (declared durable if it does not exist).").example("telemetry");
    static final Field<String> AMQP_EXCHANGE = Field.optional("exchange", Shapes.anyText("text"),
            "In: an exchange the queue is bound to with `bindingKey` (it must exist). Out: the exchange events are "
                    + "published to; `\"\"` is the default exchange (routing key = queue name).").defaultText("in: no binding; out: `\"\"`");
    static final Field<String> AMQP_BINDING_KEY = Field.optional("bindingKey", Shapes.anyText("text"),
            "In, with `exchange`: the binding key.").defaultValue("#");
    static final Field<Integer> AMQP_PREFETCH = Field.optional("prefetch", Shapes.integer(1, 65_535),
            "In: messages delivered and not yet acknowledged at most (`basic.qos`); each is acknowledged once Kafka has it.")
            .defaultValue(DEFAULT_PREFETCH);
    static final Field<Expression> AMQP_ROUTING_KEY = Field.optional("routingKey", Shapes.expression(ResultKind.ANY),
            "Out: the CEL expression of each event's routing key (over `value`, `key`, `headers`).").example("\"'alerts.' + value.droneId\"");
    static final Field<Boolean> AMQP_PERSISTENT = Field.optional("persistent", Shapes.bool(),
            "Out: publish persistent messages (delivery mode 2).").defaultValue(true);
    public static final Fields RABBITMQ_FIELDS = Fields.of("A RabbitMQ broker (AMQP 0-9-1, the RabbitMQ Java client).", AMQP_URI, AMQP_QUEUE,
            AMQP_EXCHANGE, AMQP_BINDING_KEY, AMQP_PREFETCH, AMQP_ROUTING_KEY, AMQP_PERSISTENT);

    // the bridge
    static final Field<Direction> DIRECTION = Field.required("direction", Shapes.oneOf(Direction.class),
            "`in`: the broker's messages enter Kafka; `out`: a topic's events are published to the broker.");
    static final Field<String> ROUTE = Field.optional("route", RouteFileSpec.NAME,
            "In: the route whose input topic (`from`) the messages enter. Exactly one of `route` and `topic`.").example("telemetry");
    static final Field<StageRef> STAGE = Field.optional("stage", SubscriberSpec.STAGE_REF,
            "Out: `<route>.<stage>` of this file, whose topic is published. Exactly one of `stage` and `topic`.").example("telemetry.alerted");
    static final Field<String> TOPIC = Field.optional("topic", RouteFileSpec.TOPIC, "In: the topic the messages enter; out: the topic published.");
    static final Field<Format> FORMAT = Field.optional("format", RouteFileSpec.FORMAT,
            "Out with `topic` only: the format of its events, for the CEL expressions.").defaultValue(Format.JSON);
    static final Field<KeyFormat> KEY_FORMAT = Field.optional("keyFormat", RouteFileSpec.KEY_FORMAT,
            "Out with `topic` only: how keys are decoded for the CEL variable `key`.").defaultValue(KeyFormat.STRING);
    static final Field<Expression> KEY = Field.optional("key", Shapes.expression(ResultKind.ANY),
            "In: the CEL expression of the record key (see [Variables](#variables-of-key)); a string is written as it is, anything "
                    + "else as JSON. A message for which it fails is dead-lettered with the reason.").defaultText("no key").example("droneId");
    static final Field<Values> MQTT = Field.optional("mqtt", MQTT_FIELDS, "An MQTT broker. Exactly one of `mqtt` and `rabbitmq`.");
    static final Field<Values> RABBITMQ = Field.optional("rabbitmq", RABBITMQ_FIELDS, "A RabbitMQ broker.");

    public static final Fields FIELDS = Fields.of("A protocol bridge: MQTT or RabbitMQ messages into a route's input topic, or a stage "
                    + "topic's events out to MQTT or RabbitMQ, run by a Kafka Connect connector <application>-bridge-<name>; what it "
                    + "cannot pass on lands on <application>.bridge.<name>.dlq.",
                    DIRECTION, ROUTE, STAGE, TOPIC, FORMAT, KEY_FORMAT, KEY, MQTT, RABBITMQ)
            .exactlyOne(MQTT, RABBITMQ, "a bridge connects either an 'mqtt' or a 'rabbitmq' broker")
            .onlyWith(FORMAT, TOPIC, "a stage topic has the format of its route; 'format' applies with 'topic' only")
            .onlyWith(KEY_FORMAT, TOPIC, "a stage topic has the key format of its route; 'keyFormat' applies with 'topic' only");

    private BridgeSpec() {
    }

    /** Reads one bridge; reports problems on the nodes and returns empty if unusable. */
    public static Optional<BridgeDefinition> define(String name, YamlNode node) {
        return FIELDS.read(node).filter(Values::complete).flatMap(v -> {
            Direction direction = v.value(DIRECTION);
            boolean in = direction == Direction.IN;
            boolean ok = true;
            if (in) {
                ok &= exactlyOne(v, ROUTE, TOPIC, "an inbound bridge names the 'route' (or the 'topic') its messages enter");
                ok &= absent(v, List.of(STAGE, FORMAT, KEY_FORMAT), "an inbound bridge");
            } else {
                ok &= exactlyOne(v, STAGE, TOPIC, "an outbound bridge names the 'stage' (<route>.<stage>) or the 'topic' it publishes");
                ok &= absent(v, List.of(ROUTE, KEY), "an outbound bridge");
            }
            Optional<BridgeDefinition.Mqtt> mqtt = v.get(MQTT).flatMap(m -> mqtt(m, in));
            Optional<BridgeDefinition.RabbitMq> rabbit = v.get(RABBITMQ).flatMap(r -> rabbitmq(r, in));
            if (!ok || (mqtt.isEmpty() && rabbit.isEmpty())) {
                return Optional.empty();
            }
            return Optional.of(new BridgeDefinition(name, node.location(), direction, v.get(ROUTE), v.get(STAGE), v.get(TOPIC),
                    v.value(FORMAT), v.value(KEY_FORMAT), v.get(KEY), mqtt, rabbit));
        });
    }

    private static Optional<BridgeDefinition.Mqtt> mqtt(Values m, boolean in) {
        boolean ok = in ? required(m, MQTT_TOPICS, "an inbound MQTT bridge subscribes to 'topics'")
                && absent(m, List.of(MQTT_TOPIC, MQTT_RETAIN), "an inbound MQTT bridge")
                : required(m, MQTT_TOPIC, "an outbound MQTT bridge needs the 'topic' expression each event is published to")
                && absent(m, List.of(MQTT_TOPICS, MQTT_SESSION_EXPIRY), "an outbound MQTT bridge");
        if (!ok || !m.complete()) {
            return Optional.empty();
        }
        return Optional.of(new BridgeDefinition.Mqtt(m.value(MQTT_URL), m.get(MQTT_CLIENT_ID),
                m.get(MQTT_USERNAME).filter(u -> !u.isEmpty()), m.get(MQTT_PASSWORD).filter(p -> !p.isEmpty()).map(Secret::new),
                m.get(MQTT_TOPICS).orElse(List.of()), m.get(MQTT_TOPIC), m.value(MQTT_QOS), m.value(MQTT_RETAIN),
                m.value(MQTT_SESSION_EXPIRY)));
    }

    private static Optional<BridgeDefinition.RabbitMq> rabbitmq(Values r, boolean in) {
        boolean ok = in ? required(r, AMQP_QUEUE, "an inbound RabbitMQ bridge consumes a 'queue'")
                && absent(r, List.of(AMQP_ROUTING_KEY, AMQP_PERSISTENT), "an inbound RabbitMQ bridge")
                : required(r, AMQP_ROUTING_KEY, "an outbound RabbitMQ bridge needs the 'routingKey' expression")
                && absent(r, List.of(AMQP_QUEUE, AMQP_BINDING_KEY, AMQP_PREFETCH), "an outbound RabbitMQ bridge");
        if (!ok || !r.complete()) {
            return Optional.empty();
        }
        return Optional.of(new BridgeDefinition.RabbitMq(new Secret(r.value(AMQP_URI).toString()), r.get(AMQP_QUEUE),
                r.get(AMQP_EXCHANGE), r.value(AMQP_BINDING_KEY), r.value(AMQP_PREFETCH), r.get(AMQP_ROUTING_KEY),
                r.value(AMQP_PERSISTENT)));
    }

    private static boolean exactlyOne(Values v, Field<?> a, Field<?> b, String message) {
        if (v.has(a) == v.has(b)) {
            v.owner().problem(message + ", not " + (v.has(a) ? "both" : "neither"));
            return false;
        }
        return true;
    }

    private static boolean required(Values v, Field<?> field, String message) {
        if (!v.has(field)) {
            v.owner().problem(message);
            return false;
        }
        return true;
    }

    private static boolean absent(Values v, List<Field<?>> fields, String what) {
        boolean ok = true;
        for (Field<?> f : fields) {
            if (v.has(f)) {
                v.node(f).orElseThrow().problem("'" + f.name() + "' does not apply to " + what);
                ok = false;
            }
        }
        return ok;
    }

    private static Shape<URI> url(Set<String> schemes, boolean credentialsAllowed) {
        String first = schemes.stream().sorted().findFirst().orElseThrow();
        return Shapes.custom(node -> node.nonEmptyString().flatMap(text -> {
            try {
                URI uri = new URI(text.trim());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!schemes.contains(scheme)) {
                    node.problem("expected a URL starting " + schemes.stream().sorted().map(s -> s + "://").toList() + " but found '"
                            + (credentialsAllowed ? scheme + "://..." : text) + "'");
                    return Optional.empty();
                }
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    node.problem("the URL has no host");
                    return Optional.empty();
                }
                if (!credentialsAllowed && uri.getRawUserInfo() != null) {
                    node.problem("credentials do not belong in the URL; use 'username' and 'password' (from ${ENV})");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                node.problem("not a valid URL" + (credentialsAllowed ? "" : ": " + e.getMessage()));
                return Optional.empty();
            }
        }), w -> {
            ObjectNode s = w.object();
            s.put("type", "string");
            s.put("pattern", "^((" + String.join("|", schemes.stream().sorted().toList()) + ")://.+|.*\\$\\{.*)$");
            return s;
        }, first + ":// URL");
    }
}
