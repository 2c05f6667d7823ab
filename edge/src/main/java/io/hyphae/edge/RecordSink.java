package io.hyphae.edge;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.SQLException;

/** What a {@link ReaderLoop} does with each record, inside the transaction that also stores the record's offset. */
interface RecordSink {

    /** The table the records go to, for the rejected table and the log. */
    String table();

    /** Applies the record, or queues it for {@link #flush()}; a record that does not fit throws before anything is queued. */
    void apply(ConsumerRecord<byte[], byte[]> record) throws Rejection, SQLException;

    /** Writes what {@link #apply} queued, in the order applied; called before the transaction stores the offsets. */
    default void flush() throws SQLException {
    }

    /** Forgets what is queued: the transaction is being rolled back. */
    default void discard() {
    }
}
