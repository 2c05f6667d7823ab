package io.hyphae.edge;

import io.hyphae.edge.file.ColumnDefinition;
import io.hyphae.edge.file.ColumnType;
import io.hyphae.format.Formats;
import io.hyphae.format.Values;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Converts event field values to column values and back, by the column's {@link ColumnType}; a misfit is a {@link Rejection}. */
final class ColumnValues {

    private ColumnValues() {
    }

    /** The SQL value of an event field (null for a missing or null field). */
    static Object toSql(ColumnDefinition column, Object value) throws Rejection {
        if (Values.isNull(value)) {
            return null;
        }
        return switch (column.type()) {
            case TEXT -> {
                if (value instanceof CharSequence text) {
                    yield text.toString();
                }
                throw misfit(column, value);
            }
            case INTEGER -> {
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    yield ((Number) value).longValue();
                }
                throw misfit(column, value);
            }
            case REAL -> {
                if (value instanceof Number n) {
                    yield n.doubleValue();
                }
                throw misfit(column, value);
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b ? 1L : 0L;
                }
                throw misfit(column, value);
            }
            case JSON -> new String(Formats.json().encodeValue(value), StandardCharsets.UTF_8);
        };
    }

    /** The event field value of an SQL value read back from a row's JSON text (SQLite's json_object). */
    static Object toEvent(ColumnDefinition column, Object sql) throws Rejection {
        if (Values.isNull(sql)) {
            return Values.NULL;
        }
        return switch (column.type()) {
            case TEXT -> sql instanceof String ? sql : String.valueOf(sql);
            case INTEGER -> {
                if (sql instanceof Long) {
                    yield sql;
                }
                if (sql instanceof Double d && d == Math.rint(d)) {
                    yield d.longValue();
                }
                throw misfit(column, sql);
            }
            case REAL -> {
                if (sql instanceof Number n) {
                    yield n.doubleValue();
                }
                throw misfit(column, sql);
            }
            case BOOLEAN -> {
                if (sql instanceof Long l && (l == 0 || l == 1)) {
                    yield l == 1;
                }
                if (sql instanceof Boolean) {
                    yield sql;
                }
                throw misfit(column, sql);
            }
            case JSON -> {
                if (sql instanceof String text) {
                    try {
                        yield Formats.json().decodeAny(text.getBytes(StandardCharsets.UTF_8));
                    } catch (RuntimeException e) {
                        throw new Rejection("column '" + column.name() + "' (json) does not hold JSON text: " + e.getMessage());
                    }
                }
                yield sql;
            }
        };
    }

    static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof Long l) {
            statement.setLong(index, l);
        } else if (value instanceof Double d) {
            statement.setDouble(index, d);
        } else {
            statement.setString(index, (String) value);
        }
    }

    private static Rejection misfit(ColumnDefinition column, Object value) {
        String shown = String.valueOf(value);
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "...";
        }
        return new Rejection("column '" + column.name() + "' (" + column.type().name().toLowerCase(Locale.ROOT) + ", path "
                + column.dottedPath() + "): expected " + expected(column.type()) + " but found " + kind(value) + " " + shown);
    }

    private static String expected(ColumnType type) {
        return switch (type) {
            case TEXT -> "a string";
            case INTEGER -> "an integer";
            case REAL -> "a number";
            case BOOLEAN -> "true or false";
            case JSON -> "any value";
        };
    }

    private static String kind(Object value) {
        if (value instanceof CharSequence) {
            return "the string";
        }
        if (value instanceof Boolean) {
            return "the boolean";
        }
        if (value instanceof Number) {
            return "the number";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "the value";
    }
}
