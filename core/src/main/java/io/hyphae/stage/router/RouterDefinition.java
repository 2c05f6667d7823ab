package io.hyphae.stage.router;

import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.StageDefinition;

import java.util.List;
import java.util.Optional;

/**
 * Content-based router: the first branch whose {@code when} holds sends the event to its {@code to};
 * {@code otherwise} catches the rest. Without {@code otherwise}, unmatched events go to the dead-letter topic.
 */
public record RouterDefinition(String name, Location location, List<Branch> branches) implements StageDefinition {

    @Override
    public String type() {
        return RouterSpec.TYPE;
    }

    /** A branch; {@code when} is empty for {@code otherwise}. */
    public record Branch(Optional<Expression> when, String to, Location location, String path) {
    }
}
