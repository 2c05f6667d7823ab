package io.hyphae.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of stage types: every {@link StageSpec} named in a {@code META-INF/services/io.hyphae.spec.StageSpec}
 * file on the class path, in the order listed (core's own: validate, filter, transform, enrich, route). A new type
 * is registered with one line there.
 */
public final class StageSpecs {

    private static final List<StageSpec<?>> SPECS = ServiceLoader.load(StageSpec.class, StageSpecs.class.getClassLoader()).stream()
            .<StageSpec<?>>map(ServiceLoader.Provider::get).toList();

    private static final Map<String, StageSpec<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        for (StageSpec<?> spec : SPECS) {
            StageSpec<?> previous = BY_TYPE.putIfAbsent(spec.type(), spec);
            if (previous != null) {
                throw new IllegalStateException("two stage specs of type '" + spec.type() + "': " + previous.getClass().getName()
                        + " and " + spec.getClass().getName());
            }
        }
    }

    private StageSpecs() {
    }

    public static Optional<StageSpec<?>> of(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    public static List<StageSpec<?>> all() {
        return SPECS;
    }

    public static List<String> names() {
        return List.copyOf(BY_TYPE.keySet());
    }
}
