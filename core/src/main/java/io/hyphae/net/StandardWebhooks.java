package io.hyphae.net;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Signatures of the Standard Webhooks specification: {@code webhook-signature} holds, space-separated, one
 * {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>} per signing key; a key is written
 * {@code whsec_<base64>}. The sender signs with every current key (rotation); a receiver accepts one match.
 */
public final class StandardWebhooks {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";

    private StandardWebhooks() {
    }

    /** The key of a {@code whsec_<base64>} secret; throws {@link IllegalArgumentException} for any other form. */
    public static byte[] key(String secret) {
        String s = secret.trim();
        if (!s.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a signing secret is written " + SECRET_PREFIX + "<base64>");
        }
        return Base64.getDecoder().decode(s.substring(SECRET_PREFIX.length()));
    }

    /** The keys of secrets separated by spaces or commas. */
    public static List<byte[]> keys(String secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String s : secrets.split("[\\s,]+")) {
            if (!s.isEmpty()) {
                keys.add(key(s));
            }
        }
        return keys;
    }

    /** The header value: one {@code v1,<signature>} per key; null without keys. */
    public static String sign(List<byte[]> keys, String id, long timestampSeconds, byte[] body) {
        if (keys.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (byte[] key : keys) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append("v1,").append(Base64.getEncoder().encodeToString(hmac(key, id, timestampSeconds, body)));
        }
        return out.toString();
    }

    /** Whether any {@code v1} signature of the header is that of one of the keys (compared in constant time). */
    public static boolean verify(List<byte[]> keys, String id, long timestampSeconds, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        for (byte[] key : keys) {
            byte[] expected = hmac(key, id, timestampSeconds, body);
            for (String part : header.trim().split("\\s+")) {
                if (part.startsWith("v1,")) {
                    try {
                        if (MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
                            return true;
                        }
                    } catch (IllegalArgumentException e) {
                        // not base64: not a match
                    }
                }
            }
        }
        return false;
    }

    private static byte[] hmac(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
