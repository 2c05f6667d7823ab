package io.hyphae.route;

/**
 * One thing wrong with a route file: where it is, which field (as a dotted path such as
 * {@code routes.address-changed.stages[1].enrich.table}) and what was expected instead.
 */
public record Problem(Location location, String path, String message) {

    /** {@code file:line:column: path: message}, the shape compilers and editors understand. */
    public String format() {
        return location + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
