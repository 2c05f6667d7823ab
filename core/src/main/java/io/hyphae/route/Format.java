package io.hyphae.route;

import java.util.Locale;

/** Payload formats a route, a table or a topic can carry. */
public enum Format {
    JSON, AVRO;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
