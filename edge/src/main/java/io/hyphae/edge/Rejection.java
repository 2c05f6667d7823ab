package io.hyphae.edge;

/** A record that does not fit its mapping: it goes to the rejected table with this reason, and the node goes on. */
final class Rejection extends Exception {

    Rejection(String reason) {
        super(reason, null, false, false);
    }
}
