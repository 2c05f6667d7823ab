package io.hyphae.connect.webhook;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets one delivery per record key be under way at a time, the others of the key waiting in offset order.
 * Unkeyed deliveries pass straight through.
 */
final class KeySequencer {

    private final Map<ByteBuffer, ArrayDeque<Delivery>> waiting = new HashMap<>();

    /** @return whether {@code delivery} may start now (otherwise it starts when those before it completed) */
    synchronized boolean enqueue(Delivery delivery) {
        if (delivery.orderingKey == null) {
            return true;
        }
        ArrayDeque<Delivery> queue = waiting.get(delivery.orderingKey);
        if (queue == null) {
            waiting.put(delivery.orderingKey, new ArrayDeque<>());
            return true;
        }
        queue.addLast(delivery);
        return false;
    }

    /** Called when {@code delivery} completed: the next delivery of its key to start, or null. */
    synchronized Delivery next(Delivery delivery) {
        if (delivery.orderingKey == null) {
            return null;
        }
        ArrayDeque<Delivery> queue = waiting.get(delivery.orderingKey);
        if (queue == null) {
            return null;
        }
        Delivery next = queue.pollFirst();
        if (next == null) {
            waiting.remove(delivery.orderingKey);
        }
        return next;
    }
}
