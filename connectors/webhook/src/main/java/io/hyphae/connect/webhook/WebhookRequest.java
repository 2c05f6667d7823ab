package io.hyphae.connect.webhook;

import java.util.Map;
import java.util.Objects;

/**
 * What to send to a subscriber for one record: the body, its content type, extra headers and query parameters
 * (appended to the subscriber's URL, URL-encoded).
 */
public record WebhookRequest(byte[] body, String contentType, Map<String, String> headers, Map<String, String> query) {

    public WebhookRequest {
        body = body == null ? new byte[0] : body;
        Objects.requireNonNull(contentType, "contentType");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        query = query == null ? Map.of() : Map.copyOf(query);
    }
}
