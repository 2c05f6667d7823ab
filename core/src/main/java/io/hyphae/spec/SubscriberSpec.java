package io.hyphae.spec;

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

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The route-file spec of a {@code subscribers.<name>} entry: a webhook that receives the events of a stage topic. */
public final class SubscriberSpec {

    public static final List<String> FIELDS = List.of("stage", "topic", "format", "keyFormat", "url", "method", "filter", "body",
            "headers", "query", "timeout", "maxInFlight", "ordering", "retry", "secret", "allowNetworks");
    public static final List<String> RETRY_FIELDS = List.of("initialBackoff", "maxBackoff", "multiplier", "jitter", "maxAttempts", "maxElapsed");
    public static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE", "GET");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final int MAX_IN_FLIGHT_LIMIT = 10_000;
    public static final int MAX_ATTEMPTS_LIMIT = 1_000;

    private static final Duration MIN_DURATION = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_WAIT = Duration.ofDays(30);

    private SubscriberSpec() {
    }

    /** Reads one subscriber; reports problems on the nodes and returns empty if unusable. */
    public static Optional<SubscriberDefinition> define(String name, YamlNode node) {
        return node.mapping(FIELDS).flatMap(m -> {
            Optional<YamlNode> stageNode = m.get("stage");
            Optional<YamlNode> topicNode = m.get("topic");
            Optional<StageRef> stage = stageNode.flatMap(n -> n.nonEmptyString().flatMap(text -> stageRef(n, text)));
            Optional<String> topic = topicNode.flatMap(YamlNode::nonEmptyString).filter(t -> {
                if (!Names.isTopic(t)) {
                    topicNode.get().problem("'" + t + "' is not a topic name: use letters, digits, '.', '-' and '_'");
                    return false;
                }
                return true;
            });
            if (stageNode.isPresent() == topicNode.isPresent()) {
                node.problem("a subscriber names either the 'stage' it subscribes to (<route>.<stage>) or a 'topic', not "
                        + (stageNode.isPresent() ? "both" : "neither"));
            }
            Optional<YamlNode> formatNode = m.get("format");
            Optional<YamlNode> keyFormatNode = m.get("keyFormat");
            if (stageNode.isPresent()) {
                formatNode.ifPresent(n -> n.problem("a stage topic has the format of its route; 'format' applies with 'topic' only"));
                keyFormatNode.ifPresent(n -> n.problem("a stage topic has the key format of its route; 'keyFormat' applies with 'topic' only"));
            }
            Format format = formatNode.flatMap(n -> n.enumValue(Format.class)).orElse(Format.JSON);
            KeyFormat keyFormat = keyFormatNode.flatMap(n -> n.enumValue(KeyFormat.class)).orElse(KeyFormat.STRING);
            Optional<URI> url = m.require("url").flatMap(SubscriberSpec::url);
            String method = m.get("method").flatMap(n -> n.nonEmptyString().flatMap(text -> {
                String upper = text.trim().toUpperCase(Locale.ROOT);
                if (!METHODS.contains(upper)) {
                    n.problem("'" + text + "' is not one of " + METHODS.stream().sorted().toList());
                    return Optional.empty();
                }
                return Optional.of(upper);
            })).orElse("POST");
            Optional<Expression> filter = m.get("filter").flatMap(YamlNode::expression);
            Optional<Expression> body = m.get("body").flatMap(YamlNode::expression);
            Map<String, Expression> headers = expressions(m.get("headers"));
            Map<String, Expression> query = expressions(m.get("query"));
            Duration timeout = m.get("timeout").flatMap(n -> n.duration(MIN_DURATION, MAX_TIMEOUT)).orElse(DEFAULT_TIMEOUT);
            int maxInFlight = m.get("maxInFlight").flatMap(n -> n.integer(1, MAX_IN_FLIGHT_LIMIT)).orElse(DEFAULT_MAX_IN_FLIGHT);
            Ordering ordering = m.get("ordering").flatMap(n -> n.enumValue(Ordering.class)).orElse(Ordering.KEY);
            Retry retry = m.get("retry").map(SubscriberSpec::retry).orElse(Retry.DEFAULT);
            // An empty secret (e.g. ${WEBHOOK_SECRET:} while the variable is unset) means: requests are not signed.
            List<Secret> secrets = m.get("secret").filter(n -> !n.isScalar() || !n.string().orElse("").isBlank())
                    .map(YamlNode::strings).orElse(List.of()).stream().map(Secret::new).toList();
            m.get("secret").ifPresent(n -> secrets.forEach(s -> {
                if (!s.value().startsWith("whsec_")) {
                    n.problem("a signing secret is written whsec_<base64> (Standard Webhooks); this one does not start with whsec_");
                } else {
                    try {
                        Base64.getDecoder().decode(s.value().substring("whsec_".length()));
                    } catch (IllegalArgumentException e) {
                        n.problem("the part of a signing secret after whsec_ must be base64");
                    }
                }
            }));
            List<String> allowNetworks = m.get("allowNetworks").map(YamlNode::strings).orElse(List.of());
            if (url.isEmpty() || (stage.isEmpty() && topic.isEmpty())) {
                return Optional.empty();
            }
            return Optional.of(new SubscriberDefinition(name, node.location(), stage, topic, format, keyFormat, url.get(), method,
                    filter, body, headers, query, timeout, maxInFlight, ordering, retry, secrets, allowNetworks));
        });
    }

    private static Optional<StageRef> stageRef(YamlNode node, String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 2 || !Names.NAME.matcher(parts[0]).matches() || !Names.NAME.matcher(parts[1]).matches()) {
            node.problem("expected <route>.<stage> (e.g. address-changed.enriched) but found '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(new StageRef(parts[0], parts[1], node.location(), node.path()));
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

    private static Map<String, Expression> expressions(Optional<YamlNode> node) {
        Map<String, Expression> out = new LinkedHashMap<>();
        node.flatMap(YamlNode::namedEntries).ifPresent(m -> m.entries().forEach((name, value) ->
                value.expression().ifPresent(e -> out.put(name, e))));
        return out;
    }

    private static Retry retry(YamlNode node) {
        Retry d = Retry.DEFAULT;
        return node.mapping(RETRY_FIELDS).map(m -> {
            Duration initial = m.get("initialBackoff").flatMap(n -> n.duration(MIN_DURATION, MAX_WAIT)).orElse(d.initialBackoff());
            Duration max = m.get("maxBackoff").flatMap(n -> n.duration(MIN_DURATION, MAX_WAIT)).orElse(d.maxBackoff());
            if (max.compareTo(initial) < 0) {
                m.get("maxBackoff").orElse(node).problem("maxBackoff must not be shorter than initialBackoff");
            }
            return new Retry(initial, max,
                    m.get("multiplier").flatMap(n -> n.decimal(1.0, 10.0)).orElse(d.multiplier()),
                    m.get("jitter").flatMap(n -> n.decimal(0.0, 1.0)).orElse(d.jitter()),
                    m.get("maxAttempts").flatMap(n -> n.integer(1, MAX_ATTEMPTS_LIMIT)).orElse(d.maxAttempts()),
                    m.get("maxElapsed").flatMap(n -> n.duration(MIN_DURATION, MAX_WAIT)).orElse(d.maxElapsed()));
        }).orElse(d);
    }
}
