package io.hyphae.connect.webhook;

import io.hyphae.net.AddressRules;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The configuration of one webhook subscriber: where to send, how many requests at once, how to order them,
 * how to retry, how to sign, and which private networks may be reached.
 */
public class WebhookSinkConfig extends AbstractConfig {

    public static final String SUBSCRIBER = "webhook.subscriber";
    public static final String URL = "webhook.url";
    public static final String METHOD = "webhook.method";
    public static final String TIMEOUT_MS = "webhook.timeout.ms";
    public static final String MAX_IN_FLIGHT = "webhook.max.in.flight";
    public static final String ORDERING = "webhook.ordering";
    public static final String MAX_BUFFERED_RECORDS = "webhook.max.buffered.records";
    public static final String RETRY_INITIAL_BACKOFF_MS = "webhook.retry.initial.backoff.ms";
    public static final String RETRY_MAX_BACKOFF_MS = "webhook.retry.max.backoff.ms";
    public static final String RETRY_MULTIPLIER = "webhook.retry.multiplier";
    public static final String RETRY_JITTER = "webhook.retry.jitter";
    public static final String RETRY_MAX_ATTEMPTS = "webhook.retry.max.attempts";
    public static final String RETRY_MAX_ELAPSED_MS = "webhook.retry.max.elapsed.ms";
    public static final String SECRETS = "webhook.secrets";
    public static final String ALLOW_NETWORKS = "webhook.allow.networks";
    public static final String RENDERER_CLASS = "webhook.renderer.class";

    /** Per record key in offset order, or no order at all. */
    public enum Ordering { KEY, NONE }

    private static final String SECRET_PREFIX = "whsec_";

    /** The definition of every key, with its default, validator and documentation. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
        .define(SUBSCRIBER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
            Importance.HIGH, "The subscriber's name, used in logs, metrics and error messages.")
        .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, (name, value) -> parseUrl(name, (String) value),
            Importance.HIGH, "The subscriber's endpoint, an absolute http:// or https:// URL.")
        .define(METHOD, Type.STRING, "POST", ValidString.in("POST", "PUT", "PATCH", "DELETE", "GET"),
            Importance.MEDIUM, "The HTTP method of each request.")
        .define(TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
            "How long one request may take until the response headers arrive; a timeout is retried.")
        .define(MAX_IN_FLIGHT, Type.INT, 64, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
            "The most HTTP requests open at once for this task.")
        .define(ORDERING, Type.STRING, "key", ValidString.in("key", "none"), Importance.MEDIUM,
            "key: records of one key are sent one after the other in offset order (each after the previous one "
                + "completed, retries included), records of different keys in parallel; none: all in parallel.")
        .define(MAX_BUFFERED_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
            "When more records than this are incomplete, the task pauses its partitions; it resumes below half.")
        .define(RETRY_INITIAL_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "The wait before the first retry.")
        .define(RETRY_MAX_BACKOFF_MS, Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "The longest wait between two attempts (before jitter).")
        .define(RETRY_MULTIPLIER, Type.DOUBLE, 2.0, ConfigDef.Range.atLeast(1.0), Importance.LOW,
            "How much longer each wait is than the previous one.")
        .define(RETRY_JITTER, Type.DOUBLE, 0.2, ConfigDef.Range.between(0.0, 1.0), Importance.LOW,
            "Random spread of each wait: 0.2 is plus or minus 20%.")
        .define(RETRY_MAX_ATTEMPTS, Type.INT, 12, ConfigDef.Range.atLeast(1), Importance.LOW,
            "The most attempts of one record, the first included; then it is dead-lettered.")
        .define(RETRY_MAX_ELAPSED_MS, Type.LONG, 86_400_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            "The longest time from a record's first attempt to its last; then it is dead-lettered.")
        .define(SECRETS, Type.PASSWORD, null, (name, value) -> {
            if (value != null) {
                parseSecrets(((Password) value).value());
            }
        }, Importance.HIGH,
            "Standard Webhooks signing secrets (whsec_<base64>), separated by spaces or commas; each request is "
                + "signed with every one (for rotation). Empty: requests are not signed.")
        .define(ALLOW_NETWORKS, Type.LIST, "", (name, value) -> {
            try {
                AddressRules.allowing(((List<?>) value).stream().map(String::valueOf).toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }, Importance.MEDIUM,
            "CIDRs (IPv4 or IPv6) of private, loopback or link-local networks the subscriber may resolve to; "
                + "any other such address is refused.")
        .define(RENDERER_CLASS, Type.CLASS, RawRequestRenderer.class, Importance.LOW,
            "The RequestRenderer that turns a record into the request (or filters it out); it is configured "
                + "with the task's whole configuration.");

    public WebhookSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public String subscriber() {
        return getString(SUBSCRIBER);
    }

    public URI url() {
        return parseUrl(URL, getString(URL));
    }

    public String method() {
        return getString(METHOD);
    }

    public long timeoutMs() {
        return getLong(TIMEOUT_MS);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public Ordering ordering() {
        return Ordering.valueOf(getString(ORDERING).toUpperCase(Locale.ROOT));
    }

    public int maxBufferedRecords() {
        return getInt(MAX_BUFFERED_RECORDS);
    }

    public long retryInitialBackoffMs() {
        return getLong(RETRY_INITIAL_BACKOFF_MS);
    }

    public long retryMaxBackoffMs() {
        return getLong(RETRY_MAX_BACKOFF_MS);
    }

    public double retryMultiplier() {
        return getDouble(RETRY_MULTIPLIER);
    }

    public double retryJitter() {
        return getDouble(RETRY_JITTER);
    }

    public int retryMaxAttempts() {
        return getInt(RETRY_MAX_ATTEMPTS);
    }

    public long retryMaxElapsedMs() {
        return getLong(RETRY_MAX_ELAPSED_MS);
    }

    /** The decoded signing keys, empty when requests are not signed. */
    public List<byte[]> signingKeys() {
        Password secrets = getPassword(SECRETS);
        return secrets == null ? List.of() : parseSecrets(secrets.value());
    }

    /** The address rules of {@value #ALLOW_NETWORKS}. */
    public AddressRules allowNetworks() {
        return AddressRules.allowing(getList(ALLOW_NETWORKS));
    }

    public RequestRenderer renderer() {
        return getConfiguredInstance(RENDERER_CLASS, RequestRenderer.class);
    }

    static URI parseUrl(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(name, value, "must be an absolute http:// or https:// URL");
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (Exception e) {
            throw new ConfigException(name, value, "is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(name, value, "must use http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(name, value, "has no host");
        }
        return uri;
    }

    /** Never puts a secret in an exception message. */
    static List<byte[]> parseSecrets(String value) {
        List<byte[]> keys = new ArrayList<>();
        if (value == null) {
            return keys;
        }
        int index = 0;
        for (String secret : value.split("[\\s,]+")) {
            if (secret.isEmpty()) {
                continue;
            }
            index++;
            if (!secret.startsWith(SECRET_PREFIX)) {
                throw new ConfigException(SECRETS + ": secret #" + index + " does not start with " + SECRET_PREFIX);
            }
            try {
                byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
                if (key.length == 0) {
                    throw new IllegalArgumentException("empty");
                }
                keys.add(key);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SECRETS + ": secret #" + index + " is not " + SECRET_PREFIX + "<base64>");
            }
        }
        return keys;
    }
}
