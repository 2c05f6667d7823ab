package io.hyphae.route;

/** An Avro schema named by a route file: the file it came from (for messages) and its JSON text. */
public record SchemaSource(String path, String text) {
}
