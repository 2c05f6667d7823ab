package io.hyphae.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.Secret;
import io.hyphae.route.SubscriberDefinition;
import io.hyphae.route.SubscriberDefinition.Ordering;
import io.hyphae.route.SubscriberDefinition.Retry;
import io.hyphae.route.SubscriberDefinition.StageRef;
import io.hyphae.route.loader.Names;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The route-file spec of a {@code subscribers.<name>} entry: a webhook that receives the events of a stage topic. */
public final class SubscriberSpec {

    public static final List<String> METHODS = List.of("POST", "PUT", "PATCH", "DELETE", "GET");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final int MAX_IN_FLIGHT_LIMIT = 10_000;
    public static final int MAX_ATTEMPTS_LIMIT = 1_000;

    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_WAIT = Duration.ofDays(30);
    private static final String SECRET_PREFIX = "whsec_";

    static final Field<Duration> INITIAL_BACKOFF = Field.optional("initialBackoff", Shapes.duration(MIN_DURATION, MAX_WAIT),
            "First wait before a retry.").defaultValue(Retry.DEFAULT.initialBackoff());
    static final Field<Duration> MAX_BACKOFF = Field.optional("maxBackoff", Shapes.duration(MIN_DURATION, MAX_WAIT),
            "Longest wait; not shorter than `initialBackoff`.").defaultValue(Retry.DEFAULT.maxBackoff());
    static final Field<Double> MULTIPLIER = Field.optional("multiplier", Shapes.decimal(1.0, 10.0),
            "Growth of the wait per attempt.").defaultValue(Retry.DEFAULT.multiplier());
    static final Field<Double> JITTER = Field.optional("jitter", Shapes.decimal(0.0, 1.0),
            "Each wait is spread by ±this fraction.").defaultValue(Retry.DEFAULT.jitter());
    static final Field<Integer> MAX_ATTEMPTS = Field.optional("maxAttempts", Shapes.integer(1, MAX_ATTEMPTS_LIMIT),
            "Attempts in all, the first included; then the event is dead-lettered.").defaultValue(Retry.DEFAULT.maxAttempts());
    static final Field<Duration> MAX_ELAPSED = Field.optional("maxElapsed", Shapes.duration(MIN_DURATION, MAX_WAIT),
            "No attempt starts later than this after the first.").defaultValue(Retry.DEFAULT.maxElapsed());
    public static final Fields RETRY_FIELDS = Fields.of("When a failed delivery is tried again: exponential backoff with jitter.",
            INITIAL_BACKOFF, MAX_BACKOFF, MULTIPLIER, JITTER, MAX_ATTEMPTS, MAX_ELAPSED);

    /** {@code <route>.<stage>} of this file. */
    static final Shape<StageRef> STAGE_REF = Shapes.custom(SubscriberSpec::stageRef, w -> {
        ObjectNode s = w.object();
        s.put("type", "string");
        s.put("pattern", "^(" + Names.NAME.pattern() + "\\." + Names.NAME.pattern() + "|.*\\$\\{.*)$");
        return s;
    }, "<route>.<stage>");

    static final Field<StageRef> STAGE = Field.optional("stage", STAGE_REF,
            "`<route>.<stage>` of this file: the subscriber reads that stage's topic `<application>.<route>.<stage>`, in the route's `format` and `keyFormat`. Exactly one of `stage` and `topic`.").example("address-changed.priced");
    static final Field<String> TOPIC = Field.optional("topic", CommonShapes.TOPIC, "Any topic instead of a stage topic.");
    static final Field<Format> FORMAT = Field.optional("format", CommonShapes.FORMAT,
            "With `topic` only: `json` or `avro` (Confluent wire format, the file's `registry`).").defaultValue(Format.JSON);
    static final Field<KeyFormat> KEY_FORMAT = Field.optional("keyFormat", CommonShapes.KEY_FORMAT,
            "With `topic` only: how keys are decoded for the CEL variable `key`.").defaultValue(KeyFormat.STRING);
    static final Field<URI> URL = Field.required("url", Shapes.custom(SubscriberSpec::url, w -> {
                ObjectNode s = w.object();
                s.put("type", "string");
                s.put("minLength", 1);
                s.put("pattern", "^([hH][tT][tT][pP][sS]?://.+|.*\\$\\{.*)$");
                return s;
            }, "http(s) URL"),
            "`http://` or `https://` URL. Private, loopback and link-local addresses are refused unless `allowNetworks` "
                    + "covers them. No credentials in the URL (send them in `headers`, from `${ENV}`).").example("https://policy.example.com/hooks/address");
    static final Field<String> METHOD = Field.optional("method", Shapes.word(METHODS), "The HTTP method (any letter case).").defaultValue("POST");
    static final Field<Expression> FILTER = Field.optional("filter", Shapes.expression(ResultKind.BOOL),
            "Events for which it is false are skipped (and committed).").defaultText("every event").example("value.riskBand == 'HIGH'");
    static final Field<Expression> BODY = Field.optional("body", Shapes.expression(ResultKind.ANY),
            "Computes the request body. A string result is sent as `text/plain; charset=utf-8`, bytes as `application/octet-stream`, anything else as JSON. Without `body`, a JSON event is sent byte for byte as it is on the topic and an Avro event as its JSON form.")
            .defaultText("the event as JSON").example("{'customer': value.customerId}");
    static final Field<Map<String, Expression>> HEADERS = Field.optional("headers",
            Shapes.mapOf(Shapes.expression(ResultKind.ANY), "mapping of names to CEL expressions"),
            "Header names to CEL expressions (results that are not strings are sent as JSON text; a null result sends no header). `Host`, `Content-Length`, `Connection`, `Transfer-Encoding`, `Upgrade`, `Expect` and the `webhook-*` signature headers cannot be set.").example("{ X-Tenant: \"'acme'\" }");
    static final Field<Map<String, Expression>> QUERY = Field.optional("query",
            Shapes.mapOf(Shapes.expression(ResultKind.ANY), "mapping of names to CEL expressions"),
            "Query parameter names to CEL expressions, URL-encoded and appended to the URL.");
    static final Field<Duration> TIMEOUT = Field.optional("timeout", Shapes.duration(MIN_DURATION, MAX_TIMEOUT),
            "Per request. A request that takes longer is retried.").defaultValue(DEFAULT_TIMEOUT);
    static final Field<Integer> MAX_IN_FLIGHT = Field.optional("maxInFlight", Shapes.integer(1, MAX_IN_FLIGHT_LIMIT),
            "Requests open at once per connector task; retries waiting for their turn hold none.").defaultValue(DEFAULT_MAX_IN_FLIGHT);
    static final Field<Ordering> ORDERING = Field.optional("ordering", Shapes.oneOf(Ordering.class),
            "`key`: per record key strictly in offset order (the next event of a key is sent only once the previous one is delivered or dead-lettered), parallel across keys. `none`: every event in parallel.").defaultValue(Ordering.KEY);
    static final Field<Retry> RETRY = Field.optional("retry", RETRY_FIELDS.map(SubscriberSpec::retry),
            "When a delivery that failed in a way worth retrying is tried again (see [Delivery semantics](#delivery-semantics)).");
    static final Field<List<Secret>> SECRET = Field.optional("secret", secrets(),
            "A Standard Webhooks signing secret `whsec_<base64>`, or a list of them while a secret is rotated (each request "
                    + "is signed with every one). Take it from the environment; an empty value (`${VAR:}` with `VAR` unset) means "
                    + "unsigned. Never printed.").defaultText("unsigned").example("${POLICY_WEBHOOK_SECRET:}");
    static final Field<List<String>> ALLOW_NETWORKS = Field.optional("allowNetworks", Shapes.listOf(Shapes.text()),
            "CIDR blocks (`127.0.0.1/32`, `10.0.0.0/8`, `fd00::/8`) of non-public addresses the URL may reach; see "
                    + "[Security](#security).").example("[127.0.0.1/32]");

    static final Field<Instant> FROM = Field.optional("from", Shapes.timestamp(),
            "HTTP API subscribers only: a new subscriber starts at the first event written at or after this instant (earlier "
                    + "ones too, as far as the topic still holds them). A change of an existing subscriber keeps its position. In a route "
                    + "file it is refused: a file's subscriber starts where its connector's consumer group starts.")
            .defaultText("the events written after it was registered").example("2026-12-01T08:00:00Z");

    public static final Fields FIELDS = Fields.of("A webhook: receives the events of a stage topic (or any topic) for which its "
                    + "filter holds, delivered by a Kafka Connect sink connector <application>-subscriber-<name>; failed "
                    + "deliveries land on <application>.subscriber.<name>.dlq.",
                    STAGE, TOPIC, FORMAT, KEY_FORMAT, URL, METHOD, FILTER, BODY, HEADERS, QUERY, TIMEOUT, MAX_IN_FLIGHT, ORDERING,
                    RETRY, SECRET, ALLOW_NETWORKS, FROM)
            .exactlyOne(STAGE, TOPIC, "a subscriber names either the 'stage' it subscribes to (<route>.<stage>) or a 'topic'")
            .onlyWith(FORMAT, TOPIC, "a stage topic has the format of its route; 'format' applies with 'topic' only")
            .onlyWith(KEY_FORMAT, TOPIC, "a stage topic has the key format of its route; 'keyFormat' applies with 'topic' only");

    private SubscriberSpec() {
    }

    /** Reads one subscriber; reports problems on the nodes and returns empty if unusable. */
    public static Optional<SubscriberDefinition> define(String name, YamlNode node) {
        return FIELDS.read(node).filter(Values::complete).map(v -> new SubscriberDefinition(name, node.location(),
                v.get(STAGE), v.get(TOPIC), v.value(FORMAT), v.value(KEY_FORMAT), v.value(URL), v.value(METHOD), v.get(FILTER),
                v.get(BODY), v.get(HEADERS).orElse(Map.of()), v.get(QUERY).orElse(Map.of()), v.value(TIMEOUT),
                v.value(MAX_IN_FLIGHT), v.value(ORDERING), v.get(RETRY).orElse(Retry.DEFAULT), v.get(SECRET).orElse(List.of()),
                v.get(ALLOW_NETWORKS).orElse(List.of()), v.get(FROM)));
    }

    private static Optional<StageRef> stageRef(YamlNode node) {
        return node.nonEmptyString().flatMap(text -> {
            String[] parts = text.trim().split("\\.", -1);
            if (parts.length != 2 || !Names.NAME.matcher(parts[0]).matches() || !Names.NAME.matcher(parts[1]).matches()) {
                node.problem("expected <route>.<stage> (e.g. address-changed.enriched) but found '" + text + "'");
                return Optional.empty();
            }
            return Optional.of(new StageRef(parts[0], parts[1], node.location(), node.path()));
        });
    }

    private static Optional<URI> url(YamlNode node) {
        return node.nonEmptyString().flatMap(text -> {
            try {
                URI uri = new URI(text.trim());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https")) {
                    node.problem("expected an http:// or https:// URL but found '" + text + "'");
                    return Optional.empty();
                }
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    node.problem("the URL '" + text + "' has no host");
                    return Optional.empty();
                }
                if (uri.getRawUserInfo() != null) {
                    node.problem("credentials do not belong in the URL; send them in 'headers' (from ${ENV})");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                node.problem("not a valid URL: " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** One secret or several; an empty one (e.g. {@code ${WEBHOOK_SECRET:}} while unset) means: requests are not signed. */
    private static Shape<List<Secret>> secrets() {
        Shape<Secret> one = Shapes.custom(node -> node.nonEmptyString().flatMap(value -> {
            if (!value.startsWith(SECRET_PREFIX)) {
                node.problem("a signing secret is written whsec_<base64> (Standard Webhooks); this one does not start with whsec_");
                return Optional.empty();
            }
            try {
                Base64.getDecoder().decode(value.substring(SECRET_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                node.problem("the part of a signing secret after whsec_ must be base64");
                return Optional.empty();
            }
            return Optional.of(new Secret(value));
        }), w -> {
            ObjectNode s = w.object();
            s.put("type", "string");
            s.put("pattern", "^(" + SECRET_PREFIX + ".+|.*\\$\\{.*)$");
            return s;
        }, "whsec_<base64>");
        Shape<List<Secret>> oneOrMore = Shapes.oneOrMore(one);
        return Shapes.custom(node -> node.isScalar() && node.string().orElse("x").isBlank() ? Optional.of(List.of()) : oneOrMore.read(node),
                w -> {
                    ObjectNode s = oneOrMore.schema(w);
                    // an empty text (an unset ${ENV:}) is allowed: unsigned
                    ((ObjectNode) s.get("oneOf").get(0)).put("pattern", "^(" + SECRET_PREFIX + ".+|.*\\$\\{.*|)$");
                    return s;
                }, oneOrMore.typeName());
    }

    private static Retry retry(Values v) {
        Duration initial = v.value(INITIAL_BACKOFF);
        Duration max = v.value(MAX_BACKOFF);
        if (max.compareTo(initial) < 0) {
            v.node(MAX_BACKOFF).orElse(v.owner()).problem("maxBackoff must not be shorter than initialBackoff");
        }
        return new Retry(initial, max, v.value(MULTIPLIER), v.value(JITTER), v.value(MAX_ATTEMPTS), v.value(MAX_ELAPSED));
    }
}
