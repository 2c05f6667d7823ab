package io.hyphae.stage.router;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.stage.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageLogic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

public final class RouterBuilder implements StageBuilder<RouterDefinition> {

    static final String TYPE = "route";
    public static final List<String> BRANCH_FIELDS = List.of("when", "to", "otherwise");

    @Override
    public String type() {
        return TYPE;
    }

    /** The body is a list of branches, not a mapping. */
    @Override
    public List<String> fields() {
        return List.of();
    }

    @Override
    public Optional<RouterDefinition> define(String stageName, Location location, YamlNode body) {
        return body.sequence().flatMap(items -> {
            if (items.isEmpty()) {
                body.problem("a route stage needs at least one branch");
                return Optional.empty();
            }
            List<RouterDefinition.Branch> branches = new ArrayList<>();
            boolean otherwiseSeen = false;
            for (YamlNode item : items) {
                Optional<YamlNode.Mapping> mapping = item.mapping(BRANCH_FIELDS);
                if (mapping.isEmpty()) {
                    continue;
                }
                YamlNode.Mapping m = mapping.get();
                if (otherwiseSeen) {
                    item.problem("no branch may follow 'otherwise': it would never be taken");
                }
                if (m.get("otherwise").isPresent()) {
                    if (m.get("when").isPresent() || m.get("to").isPresent()) {
                        item.problem("a branch has either 'when' and 'to', or 'otherwise' alone");
                    }
                    otherwiseSeen = true;
                    YamlNode target = m.get("otherwise").get();
                    target.nonEmptyString().ifPresent(to ->
                            branches.add(new RouterDefinition.Branch(Optional.empty(), to, target.location(), target.path())));
                } else {
                    Optional<Expression> when = m.requireExpression("when");
                    Optional<YamlNode> to = m.require("to");
                    Optional<String> target = to.flatMap(YamlNode::nonEmptyString);
                    if (when.isPresent() && target.isPresent()) {
                        branches.add(new RouterDefinition.Branch(when, target.get(), to.get().location(), to.get().path()));
                    }
                }
            }
            return Optional.of(new RouterDefinition(stageName, location, branches));
        });
    }

    @Override
    public Supplier<StageLogic> build(RouterDefinition definition, BuildContext context) {
        List<CompiledExpression> conditions = new ArrayList<>();
        int otherwise = -1;
        for (RouterDefinition.Branch branch : definition.branches()) {
            int index = context.branch(branch.to(), branch.location(), branch.path());
            if (branch.when().isPresent()) {
                conditions.add(context.expression(branch.when().get(), ResultKind.BOOL));
            } else {
                otherwise = index;
            }
        }
        StageLogic logic = new RouterLogic(conditions, otherwise);
        return () -> logic;
    }

    /** Branch i of the definition is output i; the conditions come first, otherwise last. */
    private record RouterLogic(List<CompiledExpression> conditions, int otherwise) implements StageLogic {
        @Override
        public Outcome apply(Event event) {
            for (int i = 0; i < conditions.size(); i++) {
                if (conditions.get(i).test(event)) {
                    return Outcome.branch(i);
                }
            }
            return otherwise >= 0 ? Outcome.branch(otherwise) : Outcome.deadLetter("no route branch matched and there is no 'otherwise'");
        }
    }
}
