package io.hyphae.runtime.internals;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a table's store equal to its compacted topic: rows as raw bytes (as restoration writes them),
 * a tombstone deletes the row.
 */
public final class TableUpdater implements Processor<byte[], byte[], Void, Void> {

    private final String storeName;
    private KeyValueStore<Bytes, byte[]> store;

    public TableUpdater(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(Bytes.wrap(record.key()));
        } else {
            store.put(Bytes.wrap(record.key()), record.value());
        }
    }
}
