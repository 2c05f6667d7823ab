package io.hyphae.stage.dedupe;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.time.Duration;

/**
 * Idempotent receiver: passes the first event of each {@code id} and treats the others that arrive {@code within} of
 * it (in event time) as duplicates. {@code partitionBy} puts the duplicates of an event on one partition: the record
 * key by default.
 */
public record DedupeDefinition(String name, Location location, Expression id, Duration within, OnDuplicate onDuplicate,
                               boolean audit, Expression partitionBy) implements StageDefinition {

    @Override
    public String type() {
        return DedupeSpec.TYPE;
    }
}
