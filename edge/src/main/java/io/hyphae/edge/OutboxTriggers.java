package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.PublishDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The triggers that capture an application's writes to a published table: {@code AFTER INSERT}, {@code UPDATE} and
 * {@code DELETE}, each adding the row (as SQLite's {@code json_object}) to the outbox within the application's own
 * transaction — no write without its event, no event without its write. Written anew at every start, so they follow
 * the edge file's columns.
 */
final class OutboxTriggers {

    static final String UPSERT = "upsert";
    static final String DELETE = "delete";

    private OutboxTriggers() {
    }

    static void install(Connection connection, EdgeDatabase database, PublishDefinition publish) throws SQLException {
        database.createOrMigrate(connection, publish.table(), List.of(), publish.columns(), List.of());
        String table = publish.table();
        String row = jsonObject("NEW", publish.columns());
        String key = jsonObject("OLD", publish.columns().stream().filter(c -> c.name().equalsIgnoreCase(publish.keyColumn())).toList());
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            for (String op : List.of("insert", "update", "delete")) {
                String name = EdgeDatabase.quote("hyphae_publish_" + table + "_" + op);
                s.execute("DROP TRIGGER IF EXISTS " + name);
                s.execute("CREATE TRIGGER " + name + " AFTER " + op.toUpperCase(Locale.ROOT) + " ON " + EdgeDatabase.quote(table)
                        + " BEGIN INSERT INTO " + EdgeDatabase.OUTBOX + " (tbl, op, row) VALUES ('" + table + "', '"
                        + (op.equals("delete") ? DELETE : UPSERT) + "', " + (op.equals("delete") ? key : row) + "); END");
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String jsonObject(String which, List<ColumnDefinition> columns) {
        StringBuilder sql = new StringBuilder("json_object(");
        String separator = "";
        for (ColumnDefinition c : columns) {
            sql.append(separator).append('\'').append(c.name()).append("', ").append(which).append('.').append(EdgeDatabase.quote(c.name()));
            separator = ", ";
        }
        return sql.append(')').toString();
    }
}
