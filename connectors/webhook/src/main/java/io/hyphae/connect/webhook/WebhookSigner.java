package io.hyphae.connect.webhook;

import io.hyphae.net.StandardWebhooks;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;


import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Standard Webhooks signing: {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}
 * ({@code v1,<base64 HMAC-SHA256(key, id.timestamp.body)>}, one per key, space-separated).
 */
final class WebhookSigner {

    static final String ID_HEADER = StandardWebhooks.ID_HEADER;
    static final String TIMESTAMP_HEADER = StandardWebhooks.TIMESTAMP_HEADER;
    static final String SIGNATURE_HEADER = StandardWebhooks.SIGNATURE_HEADER;
    /** The record header that names where a derived record came from, such as {@code orders-0@42}. */
    static final String SOURCE_HEADER = "hyphae.source";

    private final List<byte[]> keys;

    WebhookSigner(List<byte[]> keys) {
        this.keys = List.copyOf(keys);
    }

    boolean signs() {
        return !keys.isEmpty();
    }

    /** Space-separated {@code v1,<signature>}, one per key; null when there is no key. */
    String signature(String id, long timestampSeconds, byte[] body) {
        return StandardWebhooks.sign(keys, id, timestampSeconds, body);
    }

    /**
     * The message id, the same on every attempt and every redelivery of the record: from its
     * {@value #SOURCE_HEADER} header, else its topic, partition and offset; opaque and URL-safe.
     */
    static String messageId(SinkRecord record) {
        String source = null;
        Header header = record.headers().lastWithName(SOURCE_HEADER);
        if (header != null && header.value() != null) {
            Object value = header.value();
            source = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        }
        if (source == null || source.isEmpty()) {
            source = record.originalTopic() + "-" + record.originalKafkaPartition() + "@" + record.originalKafkaOffset();
        }
        return messageId(source);
    }

    static String messageId(String source) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 18));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
