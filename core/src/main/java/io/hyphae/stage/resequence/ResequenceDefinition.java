package io.hyphae.stage.resequence;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.time.Duration;
import java.util.Optional;

/**
 * Resequencer: holds the events of each {@code group} and releases them in the order of {@code by} — consecutive
 * sequence numbers ({@link ResequenceMode#SEQUENCE}, a gap waited for at most {@code timeout}) or timestamps
 * ({@link ResequenceMode#TIME}, each event held for {@code grace}). At most {@code capacity} events are held per group.
 *
 * @param hold  {@code timeout} in sequence mode, {@code grace} in time mode
 * @param start the first sequence number of every group; empty: a new group starts at the lowest number it holds
 *              once it has waited {@code timeout}
 */
public record ResequenceDefinition(String name, Location location, ResequenceMode mode, Expression by, Expression group,
                                   Duration hold, int capacity, OnLate onLate, Optional<Long> start) implements StageDefinition {

    @Override
    public String type() {
        return ResequenceSpec.TYPE;
    }
}
