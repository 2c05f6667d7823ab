package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The node's SQLite file: connections in WAL mode (readers never block the node's writes, and an application may write
 * from another process), Hyphae's own tables, and the creation and migration of mapped tables.
 * <ul>
 *   <li>{@value #OFFSETS}: the next offset per (reader, topic, partition), written in the transaction of what was applied;</li>
 *   <li>{@value #OUTBOX}: the local writes not yet acknowledged by the broker, filled by triggers;</li>
 *   <li>the rejected table (default {@code rejected}): records that did not fit, and the node's writes the route rejected.</li>
 * </ul>
 */
final class EdgeDatabase {

    static final String OFFSETS = "hyphae_offsets";
    static final String OUTBOX = "hyphae_outbox";
    /** Waits this long for another writer (the application, the other connection) before failing a statement. */
    private static final int BUSY_TIMEOUT_MS = 10_000;

    private final Path file;
    private final String rejectedTable;

    EdgeDatabase(Path file, String rejectedTable) {
        this.file = file;
        this.rejectedTable = rejectedTable;
    }

    String rejectedTable() {
        return rejectedTable;
    }

    Connection open() throws SQLException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // WAL + NORMAL: a crash of the process loses nothing committed; a power loss may lose the last transactions,
        // rows and offsets together, so the node re-applies them.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        // Every transaction of the node writes: take the write lock when it begins (waiting up to the busy timeout),
        // rather than on its first write, where another writer in between would fail it (SQLITE_BUSY_SNAPSHOT).
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // no statement of the node reads generated keys: without this, every INSERT runs a second query for last_insert_rowid()
        config.setGetGeneratedKeys(false);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    /** Creates Hyphae's own tables when missing. */
    void prepare(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS + " (reader TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, "
                    + "next_offset INTEGER NOT NULL, PRIMARY KEY (reader, topic, partition))");
            s.execute("CREATE TABLE IF NOT EXISTS " + OUTBOX + " (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, "
                    + "op TEXT NOT NULL, row TEXT NOT NULL, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))");
            s.execute("CREATE TABLE IF NOT EXISTS " + quote(rejectedTable) + " (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), source TEXT NOT NULL, tbl TEXT, topic TEXT, "
                    + "partition INTEGER, offset INTEGER, record_key TEXT, event_id TEXT, stage TEXT, reason TEXT NOT NULL, value TEXT)");
        }
    }

    /**
     * Creates the table with its columns, or adds the columns it lacks (a column is never dropped or retyped).
     *
     * @param extra   columns Hyphae adds (the record key), as name and SQL type
     * @param unique  the key columns: the primary key of a table created here ({@code WITHOUT ROWID}), a unique index on a
     *                table created elsewhere, so that {@code ON CONFLICT} upserts work on both
     */
    void createOrMigrate(Connection connection, String table, List<String[]> extra, List<ColumnDefinition> columns, List<String> unique)
            throws SQLException {
        Set<String> existing = columns(connection, table);
        try (Statement s = connection.createStatement()) {
            if (existing.isEmpty()) {
                StringBuilder sql = new StringBuilder("CREATE TABLE ").append(quote(table)).append(" (");
                String separator = "";
                for (String[] column : extra) {
                    sql.append(separator).append(quote(column[0])).append(' ').append(column[1]);
                    separator = ", ";
                }
                for (ColumnDefinition column : columns) {
                    sql.append(separator).append(quote(column.name())).append(' ').append(column.type().sql());
                    separator = ", ";
                }
                if (unique.isEmpty()) {
                    sql.append(')');
                } else {
                    // stored in the order of its key: one b-tree, where a rowid table would need a second one for the key
                    sql.append(", PRIMARY KEY (").append(String.join(", ", unique.stream().map(EdgeDatabase::quote).toList()))
                            .append(")) WITHOUT ROWID");
                }
                s.execute(sql.toString());
            } else {
                for (String[] column : extra) {
                    if (!existing.contains(column[0].toLowerCase(Locale.ROOT))) {
                        s.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column[0]) + " " + column[1]);
                    }
                }
                for (ColumnDefinition column : columns) {
                    if (!existing.contains(column.name().toLowerCase(Locale.ROOT))) {
                        s.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column.name()) + " " + column.type().sql());
                    }
                }
            }
            if (!unique.isEmpty() && !existing.isEmpty()) {
                // a table created elsewhere may lack the key as a constraint; one created here has it as its primary key
                s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + quote("hyphae_" + table + "_key") + " ON " + quote(table) + " ("
                        + String.join(", ", unique.stream().map(EdgeDatabase::quote).toList()) + ")");
            }
        }
    }

    void index(Connection connection, String table, String column) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS " + quote("hyphae_" + table + "_" + column) + " ON " + quote(table) + " (" + quote(column) + ")");
        }
    }

    /** The table's column names in lower case; empty when there is no such table. */
    static Set<String> columns(Connection connection, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
            while (rs.next()) {
                names.add(rs.getString("name").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
