package io.hyphae.spec;

import java.time.Duration;
import java.util.Optional;

/**
 * A state store a stage keeps: persistent, changelogged (so it survives a crash and moves with its partition), named
 * within its stage. A window store forgets what is older than its {@code retention} (its changelog keeps that much
 * too); a key-value store keeps every key until the stage deletes it (its changelog is compacted).
 */
public record StoreDeclaration(String name, Kind kind, Optional<Duration> retention) {

    public enum Kind { KEY_VALUE, WINDOW }

    public static StoreDeclaration keyValue(String name) {
        return new StoreDeclaration(name, Kind.KEY_VALUE, Optional.empty());
    }

    public static StoreDeclaration window(String name, Duration retention) {
        return new StoreDeclaration(name, Kind.WINDOW, Optional.of(retention));
    }
}
