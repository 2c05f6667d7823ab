package io.hyphae.format;

import io.hyphae.route.Format;

/** The one place that maps a declared {@link Format} to its implementation. */
public final class Formats {

    private static final JsonFormat JSON = new JsonFormat();

    private Formats() {
    }

    public static PayloadFormat of(Format format) {
        return switch (format) {
            case JSON -> JSON;
        };
    }
}
