package io.hyphae.route;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A table fed from a PostgreSQL table by change data capture ({@code tables.<name>.source.postgres}): where the
 * database is, which of its tables, which columns key a row (in order) and which columns a row keeps (all when
 * empty; the key columns are always kept).
 */
public record PostgresSource(String host, int port, String database, String user, Optional<Secret> password,
                             String schema, String table, List<String> key, List<String> columns, Duration heartbeat,
                             Location location) {

    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_SCHEMA = "public";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    /** {@code schema.table}, as PostgreSQL and Debezium name it. */
    public String qualifiedTable() {
        return schema + "." + table;
    }

    /** The columns a row keeps, key columns first when {@link #columns} is not empty; empty means all. */
    public List<String> keptColumns() {
        if (columns.isEmpty()) {
            return List.of();
        }
        return Stream.concat(key.stream(), columns.stream()).distinct().toList();
    }
}
