package io.hyphae.edge;

/** Event ids of published writes: {@code <node>-<outbox sequence>}, unique per node and database file. */
final class EventIds {

    private EventIds() {
    }

    static String of(String node, long sequence) {
        return prefix(node) + sequence;
    }

    static String prefix(String node) {
        return node + "-";
    }
}
