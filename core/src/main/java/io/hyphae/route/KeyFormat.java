package io.hyphae.route;

import java.util.Locale;

/**
 * How a record key is read for CEL ({@code key}) and how a join key computed by CEL is written
 * to look a row up: {@code string} (UTF-8, the default) or {@code json} (the JSON encoding of the value,
 * e.g. {@code {"postalCode":"8001"}} as CDC connectors key their topics).
 */
public enum KeyFormat {
    STRING, JSON;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
