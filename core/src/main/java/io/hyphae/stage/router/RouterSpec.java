package io.hyphae.stage.router;

import io.hyphae.cel.ResultKind;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.StageDeclarations;
import io.hyphae.spec.StageSpec;
import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;
import io.hyphae.spec.field.Shapes;
import io.hyphae.spec.field.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The route-file spec of the {@code router} stage type. */
public final class RouterSpec implements StageSpec<RouterDefinition> {

    public static final RouterSpec INSTANCE = new RouterSpec();

    public static final String TYPE = "route";

    static final Field<Expression> WHEN = Field.optional("when", Shapes.expression(ResultKind.BOOL),
            "The condition under which the branch takes the event.").example("value.riskBand == 'HIGH'");
    static final Field<String> TO = Field.optional("to", Shapes.text(),
            "Where the branch sends the event: a route of this file (its `from` topic), or else a topic. Written with `when`.")
            .example("manual-review");
    static final Field<String> OTHERWISE = Field.optional("otherwise", Shapes.text(),
            "Where the events no earlier branch took go; written alone, in the last branch.").example("insurance.policy-update");
    static final Fields BRANCH = Fields.of("A branch: `when` and `to`, or `otherwise` alone.",
                    WHEN, TO, OTHERWISE)
            .exactlyOne(WHEN, OTHERWISE, "a branch has either 'when' and 'to', or 'otherwise' alone")
            .onlyWith(WHEN, TO, "a branch with 'when' needs 'to'")
            .onlyWith(TO, WHEN, "a branch with 'to' needs 'when'");
    static final Shape<List<Values>> BODY = Shapes.listOf(BRANCH, 1, "a route stage needs at least one branch");

    /** Stateless: the instance {@link java.util.ServiceLoader} makes and {@code INSTANCE} are interchangeable. */
    public RouterSpec() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The body is a list of branches, not a mapping. */
    @Override
    public Shape<List<Values>> body() {
        return BODY;
    }

    @Override
    public Optional<RouterDefinition> define(String stageName, Location location, YamlNode body) {
        return BODY.read(body).map(items -> {
            List<RouterDefinition.Branch> branches = new ArrayList<>();
            boolean otherwiseSeen = false;
            for (Values branch : items) {
                if (otherwiseSeen) {
                    branch.owner().problem("no branch may follow 'otherwise': it would never be taken");
                }
                if (!branch.complete()) {
                    continue;
                }
                Optional<YamlNode> target = branch.node(TO).or(() -> branch.node(OTHERWISE));
                Optional<String> to = branch.get(TO).or(() -> branch.get(OTHERWISE));
                otherwiseSeen |= branch.has(OTHERWISE);
                if (to.isPresent() && target.isPresent()) {
                    branches.add(new RouterDefinition.Branch(branch.get(WHEN), to.get(), target.get().location(), target.get().path()));
                }
            }
            return new RouterDefinition(stageName, location, branches);
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
