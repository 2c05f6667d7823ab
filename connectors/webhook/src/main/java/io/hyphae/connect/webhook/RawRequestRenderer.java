package io.hyphae.connect.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Sends the record value as it is (bytes, or a string's UTF-8), as {@code application/json}, for every record.
 * Meant for the ByteArrayConverter or StringConverter; a null value is sent as an empty body.
 */
public class RawRequestRenderer implements RequestRenderer {

    @Override
    public Optional<WebhookRequest> render(SinkRecord record) {
        Object value = record.value();
        byte[] body;
        if (value == null) {
            body = new byte[0];
        } else if (value instanceof byte[] bytes) {
            body = bytes;
        } else if (value instanceof ByteBuffer buffer) {
            body = new byte[buffer.remaining()];
            buffer.duplicate().get(body);
        } else if (value instanceof String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
        } else {
            throw new DataException("the raw renderer sends bytes or strings, not " + value.getClass().getName()
                + "; use the ByteArrayConverter or StringConverter as value.converter");
        }
        return Optional.of(new WebhookRequest(body, "application/json", Map.of(), Map.of()));
    }
}
