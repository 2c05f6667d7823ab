package io.hyphae.stage;

import io.hyphae.stage.enrich.EnrichBuilder;
import io.hyphae.stage.filter.FilterBuilder;
import io.hyphae.stage.router.RouterBuilder;
import io.hyphae.stage.transform.TransformBuilder;
import io.hyphae.stage.validate.ValidateBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The stream runtime's registry of stage builders, one per type of {@code StageSpecs}. */
public final class StageTypes {

    private static final List<StageBuilder<?>> BUILDERS = List.of(
            new ValidateBuilder(),
            new FilterBuilder(),
            new TransformBuilder(),
            new EnrichBuilder(),
            new RouterBuilder());

    private static final Map<String, StageBuilder<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        BUILDERS.forEach(b -> BY_TYPE.put(b.spec().type(), b));
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
