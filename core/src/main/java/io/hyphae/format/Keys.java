package io.hyphae.format;

import io.hyphae.route.KeyFormat;

import java.nio.charset.StandardCharsets;

/** Encodes a join key computed by CEL the way the table's topic keys its rows. */
public final class Keys {

    private Keys() {
    }

    /** UTF-8 text of the value ({@code string}) or its JSON encoding ({@code json}); null for a null key. */
    public static byte[] encode(Object key, KeyFormat format) {
        if (Values.isNull(key)) {
            return null;
        }
        return switch (format) {
            case STRING -> String.valueOf(key).getBytes(StandardCharsets.UTF_8);
            case JSON -> Formats.json().encodeValue(key);
        };
    }
}
