package io.hyphae.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL variables of an inbound bridge's {@code key}, besides {@code value} (the payload as a JSON object, when it
 * is one) and {@code headers} (MQTT user properties, AMQP headers, as text); and the MQTT topic templates that bind
 * more of them: {@code fleet/{droneId}/telemetry} subscribes to {@code fleet/+/telemetry} and binds {@code droneId}.
 */
public final class BridgeVariables {

    /** The payload: the decoded JSON if it parses, else its text if it is UTF-8, else its bytes. */
    public static final String PAYLOAD = "payload";
    /** MQTT: the topic a message was published to, and its levels ({@code topicLevels[1]}). */
    public static final String TOPIC = "topic";
    public static final String TOPIC_LEVELS = "topicLevels";
    /** RabbitMQ: the message's properties (contentType, messageId, correlationId, ...), its routing key and exchange. */
    public static final String PROPERTIES = "properties";
    public static final String ROUTING_KEY = "routingKey";
    public static final String EXCHANGE = "exchange";

    public static final List<String> MQTT = List.of(PAYLOAD, TOPIC, TOPIC_LEVELS);
    public static final List<String> RABBITMQ = List.of(PAYLOAD, PROPERTIES, ROUTING_KEY, EXCHANGE);

    private static final Pattern TEMPLATE_LEVEL = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

    private BridgeVariables() {
    }

    /** The variables {@code {name}} levels of the filters bind, in order of appearance. */
    public static List<String> templateVariables(List<String> filters) {
        Set<String> names = new LinkedHashSet<>();
        for (String filter : filters) {
            for (String level : filter.split("/", -1)) {
                Matcher m = TEMPLATE_LEVEL.matcher(level);
                if (m.matches()) {
                    names.add(m.group(1));
                }
            }
        }
        return List.copyOf(names);
    }

    /** The MQTT subscription of a filter: each {@code {name}} level becomes {@code +}. */
    public static String subscription(String filter) {
        List<String> levels = new ArrayList<>();
        for (String level : filter.split("/", -1)) {
            levels.add(TEMPLATE_LEVEL.matcher(level).matches() ? "+" : level);
        }
        return String.join("/", levels);
    }

    /** Why a filter is not a valid MQTT topic filter (template levels allowed), if it is not. */
    public static Optional<String> filterProblem(String filter) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                if (i != levels.length - 1) {
                    return Optional.of("'#' must be the last level of a topic filter");
                }
            } else if (!level.equals("+") && !TEMPLATE_LEVEL.matcher(level).matches()
                    && (level.contains("+") || level.contains("#") || level.contains("{") || level.contains("}"))) {
                return Optional.of("'" + level + "' mixes a wildcard or a {name} with text; a wildcard or {name} is a whole level");
            }
        }
        return Optional.empty();
    }

    /**
     * The values of a filter's {@code {name}} levels for a topic it matched, as pairs name, value; empty if the
     * topic does not match the filter.
     */
    public static Optional<List<String[]>> bind(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        List<String[]> bound = new ArrayList<>();
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return Optional.of(bound);
            }
            if (i >= t.length) {
                return Optional.empty();
            }
            Matcher m = TEMPLATE_LEVEL.matcher(f[i]);
            if (m.matches()) {
                bound.add(new String[] {m.group(1), t[i]});
            } else if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return Optional.empty();
            }
        }
        return f.length == t.length ? Optional.of(bound) : Optional.empty();
    }
}
