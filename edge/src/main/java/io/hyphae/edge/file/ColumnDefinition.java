package io.hyphae.edge.file;

import java.util.List;

/** A column of a mirrored or published table: its name, the event field it holds (a dotted path) and its type. */
public record ColumnDefinition(String name, List<String> path, ColumnType type) {

    public ColumnDefinition {
        path = List.copyOf(path);
    }

    /** The path as the edge file writes it. */
    public String dottedPath() {
        return String.join(".", path);
    }
}
