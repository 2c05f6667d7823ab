package io.hyphae.format;

import io.hyphae.route.KeyFormat;

import java.nio.charset.StandardCharsets;

/** Record keys: a join key computed by CEL encoded the way a table's topic keys its rows, and keys decoded for CEL. */
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

    /** The CEL value of a record key: its UTF-8 text ({@code string}) or its JSON value ({@code json}); null for no key. */
    public static Object decode(byte[] key, KeyFormat format) {
        if (key == null) {
            return null;
        }
        if (format == KeyFormat.JSON) {
            try {
                return Formats.json().decodeAny(key);
            } catch (FormatException e) {
                throw new FormatException("key is not valid JSON", e);
            }
        }
        return new String(key, StandardCharsets.UTF_8);
    }
}
