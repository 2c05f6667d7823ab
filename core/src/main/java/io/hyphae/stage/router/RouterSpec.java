package io.hyphae.stage.router;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;

/** The route-file spec of the {@code router} stage type. */
public final class RouterSpec implements StageSpec<RouterDefinition> {

    public static final RouterSpec INSTANCE = new RouterSpec();

    public static final String TYPE = "route";
    public static final List<String> BRANCH_FIELDS = List.of("when", "to", "otherwise");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public RouterSpec() {
    }

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
    public void declare(RouterDefinition definition, StageDeclarations declarations) {
        for (RouterDefinition.Branch branch : definition.branches()) {
            declarations.branch(branch.to(), branch.location(), branch.path());
            branch.when().ifPresent(when -> declarations.expression(when, ResultKind.BOOL));
        }
        declarations.terminal();
    }
}
