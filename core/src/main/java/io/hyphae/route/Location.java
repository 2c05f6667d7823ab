package io.hyphae.route;

/** A place in a route file: 1-based line and column, as editors count them. */
public record Location(String file, int line, int column) {

    public static final Location UNKNOWN = new Location("<unknown>", 0, 0);

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
