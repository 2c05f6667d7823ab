package io.hyphae.stage;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.Expression;
import io.hyphae.route.KeyFormat;
import io.hyphae.route.TableDefinition;

/** What a {@link StageBuilder} can ask of the wiring while building one checked stage of one route. */
public interface BuildContext {

    /** An expression the stage's spec declared, as the checker compiled it. */
    CompiledExpression expression(Expression expression);

    /** A table the stage's spec declared. */
    TableDefinition table(String name);

    /** The name of the state store holding the rows of a table the stage joins, to look up in {@link StageLogic#init}. */
    String store(TableDefinition table);

    /** The payload format of a table's rows. */
    PayloadFormat format(TableDefinition table);

    /** How the route's record keys are encoded (for a stage that sets keys). */
    KeyFormat keyFormat();
}
