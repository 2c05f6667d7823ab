package io.hyphae.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The API's one credential: requests carry {@code Authorization: Bearer <token>}; compared in constant time. */
final class BearerToken {

    private final byte[] token;

    BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the API token is empty");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    boolean admits(Optional<String> authorization) {
        return authorization.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(a -> MessageDigest.isEqual(token, a.substring(7).trim().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    @Override
    public String toString() {
        return "[secret]";
    }
}
