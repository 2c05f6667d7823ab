package io.hyphae.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** An application's view of an edge node's SQLite file: plain SQL on a connection of its own. */
final class Sqlite {

    private final Path file;

    Sqlite(Path file) {
        this.file = file;
    }

    private Connection open() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
        }
        return c;
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Each statement in a transaction of its own, as separate application writes. */
    void executeEach(List<String> statements) throws SQLException {
        try (Connection c = open(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The rows, each as its columns joined by '|'; empty when the table does not exist yet. */
    List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(String.valueOf(rs.getObject(i)));
                }
                rows.add(String.join("|", row));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such table")) {
                return List.of();
            }
            throw e;
        }
        return rows;
    }

    long count(String sql) throws SQLException {
        List<String> rows = rows(sql);
        return rows.isEmpty() ? 0 : Long.parseLong(rows.get(0));
    }
}
