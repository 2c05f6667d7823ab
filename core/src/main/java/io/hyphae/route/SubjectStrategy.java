package io.hyphae.route;

import java.util.Locale;

/** How a value schema's registry subject is named: {@code topic} ({@code <topic>-value}, default) or {@code record} (the record's full name). */
public enum SubjectStrategy {
    TOPIC, RECORD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
