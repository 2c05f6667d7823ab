package io.hyphae.route;

/** A secret from the route file (normally through {@code ${ENV}}): its text never appears in a string form. */
public record Secret(String value) {

    @Override
    public String toString() {
        return "[secret]";
    }
}
