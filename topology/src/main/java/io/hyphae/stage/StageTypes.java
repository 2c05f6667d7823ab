package io.hyphae.stage;

import io.hyphae.spec.StageSpecs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The stream runtime's registry of stage builders: every {@link StageBuilder} named in a
 * {@code META-INF/services/io.hyphae.stage.StageBuilder} file on the class path, one per type of {@link StageSpecs}.
 */
public final class StageTypes {

    private static final List<StageBuilder<?>> BUILDERS = ServiceLoader.load(StageBuilder.class, StageTypes.class.getClassLoader())
            .stream().<StageBuilder<?>>map(ServiceLoader.Provider::get).toList();

    private static final Map<String, StageBuilder<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        BUILDERS.forEach(b -> BY_TYPE.put(b.spec().type(), b));
        List<String> missing = StageSpecs.names().stream().filter(t -> !BY_TYPE.containsKey(t)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("stage types without a builder: " + missing);
        }
    }

    private StageTypes() {
    }

    public static Optional<StageBuilder<?>> of(String type) {
        return Optional.ofNullable(BY_TYPE.get(type));
    }

    public static List<StageBuilder<?>> all() {
        return BUILDERS;
    }
}
