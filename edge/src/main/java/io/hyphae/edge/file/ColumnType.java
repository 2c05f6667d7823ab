package io.hyphae.edge.file;

/** The SQLite type of a mapped column, and what an event field must hold to fill it. */
public enum ColumnType {
    /** Text; an event field that is a string. */
    TEXT("TEXT"),
    /** A whole number (64 bits); an event field that is an integer. */
    INTEGER("INTEGER"),
    /** A floating-point number; an event field that is any number. */
    REAL("REAL"),
    /** Stored as 0 or 1; an event field that is true or false. */
    BOOLEAN("INTEGER"),
    /** Any value, stored as its JSON text (lists, nested objects). */
    JSON("TEXT");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    /** The column's declared type in SQLite. */
    public String sql() {
        return sql;
    }
}
