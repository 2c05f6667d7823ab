package io.hyphae.route.loader;

import java.util.regex.Pattern;

/** The names a route file may use. Route, stage and table names become parts of topic names: no dots, so names stay unambiguous. */
public final class Names {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    public static final Pattern APPLICATION = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    public static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private Names() {
    }

    /** A legal Kafka topic name. */
    public static boolean isTopic(String name) {
        return TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}
