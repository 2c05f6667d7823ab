package io.hyphae.spec;

import io.hyphae.stage.enrich.EnrichSpec;
import io.hyphae.stage.filter.FilterSpec;
import io.hyphae.stage.router.RouterSpec;
import io.hyphae.stage.transform.TransformSpec;
import io.hyphae.stage.validate.ValidateSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of stage types: the one place a new type's spec is added. */
public final class StageSpecs {

    private static final List<StageSpec<?>> SPECS = List.of(
            ValidateSpec.INSTANCE,
            FilterSpec.INSTANCE,
            TransformSpec.INSTANCE,
            EnrichSpec.INSTANCE,
            RouterSpec.INSTANCE);

    private static final Map<String, StageSpec<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        SPECS.forEach(s -> BY_TYPE.put(s.type(), s));
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
