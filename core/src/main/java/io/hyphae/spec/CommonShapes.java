package io.hyphae.spec;

import io.hyphae.route.Format;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.loader.Names;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;

/**
 * Shapes several specs share. They live apart from {@link RouteFileSpec} so that a spec the file spec refers to (a
 * subscriber, a stage type) can use them without a cycle between the classes' initializations.
 */
public final class CommonShapes {

    /** Route, stage, table and subscriber names: they become parts of topic names. */
    public static final Shape<String> NAME = Shapes.matching(Names.NAME, "name", "a valid name",
            "use letters, digits, '-' and '_' (it becomes part of topic names)").named("name");
    public static final Shape<String> TOPIC = Shapes.matching(Names.TOPIC, "topic name", "a topic name",
            "use letters, digits, '.', '-' and '_'").named("topic");
    public static final Shape<Format> FORMAT = Shapes.oneOf(Format.class).named("format");
    public static final Shape<KeyFormat> KEY_FORMAT = Shapes.oneOf(KeyFormat.class).named("keyFormat");

    private CommonShapes() {
    }
}
