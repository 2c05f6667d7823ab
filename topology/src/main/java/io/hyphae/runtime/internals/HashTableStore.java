package io.hyphae.runtime.internals;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store of a reference table. Enrich stages only look rows up by key, so a hash map serves
 * them in constant time without locking, where Kafka's sorted in-memory store compares byte arrays on
 * every lookup. Range scans (interactive queries) work on a sorted copy.
 */
public final class HashTableStore implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    private final Map<Bytes, byte[]> rows = new ConcurrentHashMap<>();
    private volatile boolean open;

    public HashTableStore(String name) {
        this.name = name;
    }

    /** A supplier for {@code Stores.keyValueStoreBuilder}. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new HashTableStore(name);
            }

            @Override
            public String metricsScope() {
                return "hyphae-table";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Restoration replays the table's topic: a null value is a tombstone.
        context.register(root, (key, value) -> {
            if (value == null) {
                rows.remove(Bytes.wrap(key));
            } else {
                rows.put(Bytes.wrap(key), value);
            }
        });
        open = true;
    }

    @Override
    public void close() {
        rows.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public byte[] get(Bytes key) {
        return rows.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value == null) {
            rows.remove(key);
        } else {
            rows.put(key, value);
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return value == null ? rows.get(key) : rows.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public byte[] delete(Bytes key) {
        return rows.remove(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        TreeMap<Bytes, byte[]> sorted = new TreeMap<>(rows);
        return iterator((from == null ? sorted : sorted.tailMap(from, true)).entrySet().stream()
                .filter(e -> to == null || e.getKey().compareTo(to) <= 0).iterator());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return iterator(new TreeMap<>(rows).entrySet().iterator());
    }

    @Override
    public long approximateNumEntries() {
        return rows.size();
    }

    private static KeyValueIterator<Bytes, byte[]> iterator(Iterator<Map.Entry<Bytes, byte[]>> entries) {
        return new KeyValueIterator<>() {
            private Map.Entry<Bytes, byte[]> next = entries.hasNext() ? entries.next() : null;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                KeyValue<Bytes, byte[]> out = KeyValue.pair(next.getKey(), next.getValue());
                next = entries.hasNext() ? entries.next() : null;
                return out;
            }

            @Override
            public Bytes peekNextKey() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                return next.getKey();
            }

            @Override
            public void close() {
            }
        };
    }
}
