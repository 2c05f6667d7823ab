package io.hyphae.runtime;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The broker refused an operation for want of an ACL: one line naming the operation, the resource and the
 * {@code kafka-acls.sh} command that grants it, instead of the client's exception and its stack trace.
 */
public final class NotAuthorizedException extends RuntimeException {

    private static final Pattern TOPICS = Pattern.compile("\\[([^\\]]*)]");

    private final String operation;
    private final String resourceType;
    private final String resource;

    private NotAuthorizedException(String operation, String grant, String resourceType, String resource, boolean prefixed,
                                   AuthorizationException cause) {
        super("not authorized: the broker refused " + operation + " on " + resourceType + (prefixed ? "s prefixed '" : " '") + resource
                + "' (" + cause.getClass().getSimpleName() + "); grant it: kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add"
                + " --allow-principal <principal> --operation " + grant + " --" + option(resourceType) + " " + resource
                + (prefixed ? " --resource-pattern-type prefixed" : "") + " ('hyphae acls FILE' prints every ACL the application needs)",
                cause, false, false);
        this.operation = operation;
        this.resourceType = resourceType;
        this.resource = resource;
    }

    /** The brokers did not accept the client's credentials (SASL) or certificate (TLS). */
    public static IllegalStateException unauthenticated(AuthenticationException cause) {
        return new IllegalStateException("cannot authenticate with the brokers: " + cause.getMessage()
                + " (check the credentials and TLS settings in kafka.properties or -X, e.g. sasl.jaas.config)", cause);
    }

    /** {@code operation} on a resource, {@code grant} the operation of the ACL that allows it (Write allows Describe...). */
    public static NotAuthorizedException refused(String operation, String grant, String resourceType, String resource,
                                                 AuthorizationException cause) {
        return new NotAuthorizedException(operation, grant, resourceType, resource, false, cause);
    }

    /** The operation refused, e.g. {@code Write}. */
    public String operation() {
        return operation;
    }

    /** {@code topic}, {@code group}, {@code transactional id} or {@code cluster}. */
    public String resourceType() {
        return resourceType;
    }

    public String resource() {
        return resource;
    }

    /** The authorization failure in {@code failure}'s causes, if any. */
    public static Optional<AuthorizationException> authorizationCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException a) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Explains an authorization failure of a client.
     *
     * @param failure         what the client threw
     * @param topicOperation  the operation refused on a topic (the caller knows whether it was reading or writing it)
     * @param group           the consumer group, when the exception does not name it
     * @param transactionalId the transactional id, or its prefix ending in '-' or '.' (then matched as a prefix)
     */
    public static Optional<NotAuthorizedException> explain(Throwable failure, Function<String, String> topicOperation,
                                                           String group, String transactionalId) {
        if (failure instanceof NotAuthorizedException n) {
            return Optional.of(n);
        }
        return authorizationCause(failure).map(a -> {
            if (a instanceof TopicAuthorizationException t) {
                String topic = topics(t).stream().findFirst().orElse("?");
                String op = topicOperation.apply(topic);
                return refused(op, op, "topic", topic, a);
            }
            if (a instanceof GroupAuthorizationException g) {
                return refused("Read", "Read", "group", g.groupId() == null || g.groupId().isEmpty() ? group : g.groupId(), a);
            }
            if (a instanceof TransactionalIdAuthorizationException) {
                boolean prefixed = transactionalId.endsWith("-") || transactionalId.endsWith(".");
                return new NotAuthorizedException("Write", "Write", "transactional id", transactionalId, prefixed, a);
            }
            if (a instanceof ClusterAuthorizationException) {
                return refused("a cluster operation", "<operation>", "cluster", "kafka-cluster", a);
            }
            return refused("an operation", "<operation>", "resource", String.valueOf(a.getMessage()), a);
        });
    }

    /** Whether a producer threw {@code failure} (or what it wraps): then a refused topic was refused Write. */
    public static boolean fromProducer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("sending record to topic")) {
                return true;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                String c = frame.getClassName();
                if (c.startsWith("org.apache.kafka.clients.producer.") || c.contains("RecordCollector")) {
                    return true;
                }
                if (c.startsWith("org.apache.kafka.clients.consumer.")) {
                    return false;
                }
            }
        }
        return false;
    }

    private static List<String> topics(TopicAuthorizationException t) {
        if (!t.unauthorizedTopics().isEmpty()) {
            return List.copyOf(t.unauthorizedTopics());
        }
        List<String> out = new ArrayList<>();
        Matcher m = TOPICS.matcher(String.valueOf(t.getMessage()));
        if (m.find()) {
            for (String s : m.group(1).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    private static String option(String resourceType) {
        return switch (resourceType) {
            case "transactional id" -> "transactional-id";
            default -> resourceType;
        };
    }
}
