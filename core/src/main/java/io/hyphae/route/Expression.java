package io.hyphae.route;

/** A CEL expression as written in the route file, with where it was written. */
public record Expression(String text, Location location, String path) {

    @Override
    public String toString() {
        return text;
    }
}
