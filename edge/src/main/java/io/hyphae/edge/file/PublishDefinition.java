package io.hyphae.edge.file;

import io.hyphae.route.Format;
import io.hyphae.route.Location;

import java.util.List;
import java.util.Optional;

/**
 * A local table whose writes are published to a topic (normally a route's {@code from}): the record key is the column
 * {@code keyColumn}, the value holds the columns at their paths and the event id at {@code idField}. The route's
 * dead-letter topic, if named, is read for this node's rejected writes.
 */
public record PublishDefinition(String table, String topic, Format format, String keyColumn, List<ColumnDefinition> columns,
                                String idField, Optional<String> deadLetters, Location location) {

    public PublishDefinition {
        columns = List.copyOf(columns);
    }
}
