package io.hyphae.stage.transform;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.Values;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.event.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

public final class TransformBuilder implements StageBuilder<TransformDefinition> {

    @Override
    public StageSpec<TransformDefinition> spec() {
        return TransformSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(TransformDefinition definition, BuildContext context) {
        List<List<String>> setPaths = new ArrayList<>();
        List<CompiledExpression> setExpressions = new ArrayList<>();
        definition.set().forEach((field, expression) -> {
            setPaths.add(Values.path(field));
            setExpressions.add(context.expression(expression));
        });
        List<List<String>> renameFrom = definition.rename().keySet().stream().map(Values::path).toList();
        List<List<String>> renameTo = definition.rename().values().stream().map(Values::path).toList();
        List<List<String>> remove = definition.remove().stream().map(Values::path).toList();
        // Decided once: a stage that only sets top-level fields may append them to the encoded event.
        boolean setsTopLevelOnly = renameFrom.isEmpty() && remove.isEmpty() && !setPaths.isEmpty()
                && setPaths.stream().allMatch(path -> path.size() == 1);
        StageLogic logic = new TransformLogic(setPaths, setExpressions, renameFrom, renameTo, remove, setsTopLevelOnly);
        return () -> logic;
    }

    private record TransformLogic(List<List<String>> setPaths, List<CompiledExpression> setExpressions,
                                  List<List<String>> renameFrom, List<List<String>> renameTo,
                                  List<List<String>> remove, boolean setsTopLevelOnly) implements StageLogic {
        @Override
        public Outcome apply(Event event) {
            // Evaluate everything against the incoming event before changing anything.
            Object[] results = new Object[setExpressions.size()];
            for (int i = 0; i < results.length; i++) {
                results[i] = setExpressions.get(i).evaluate(event);
            }
            Map<String, Object> value = event.value();
            if (addsTopLevelFieldsOnly(value)) {
                Map<String, Object> fields = new LinkedHashMap<>();
                Map<String, Object> extended = Values.copyOf(value);
                for (int i = 0; i < results.length; i++) {
                    fields.put(setPaths.get(i).get(0), results[i]);
                    extended.put(setPaths.get(i).get(0), results[i]);
                }
                event.extend(extended, fields);
                return Outcome.CONTINUE;
            }
            for (int i = 0; i < renameFrom.size(); i++) {
                Object moved = Values.get(value, renameFrom.get(i));
                if (moved != null) {
                    value = Values.with(Values.without(value, renameFrom.get(i)), renameTo.get(i), moved);
                }
            }
            for (List<String> path : remove) {
                value = Values.without(value, path);
            }
            if (value == event.value()) {
                // One copy for all top-level fields set, instead of one per field.
                value = Values.copyOf(value);
            }
            for (int i = 0; i < results.length; i++) {
                List<String> path = setPaths.get(i);
                if (path.size() == 1) {
                    value.put(path.get(0), results[i]);
                } else {
                    value = Values.with(value, path, results[i]);
                }
            }
            event.value(value);
            return Outcome.CONTINUE;
        }

        /** Only new top-level fields: the encoded event can be extended instead of encoded again. */
        private boolean addsTopLevelFieldsOnly(Map<String, Object> value) {
            if (!setsTopLevelOnly) {
                return false;
            }
            for (List<String> path : setPaths) {
                if (value.containsKey(path.get(0))) {
                    return false;
                }
            }
            return true;
        }
    }
}
