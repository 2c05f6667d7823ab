package io.hyphae.edge;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.SQLException;

/** What a {@link ReaderLoop} does with each record, inside the transaction that also stores the record's offset. */
interface RecordSink {

    /** The table the records go to, for the rejected table and the log. */
    String table();

    void apply(ConsumerRecord<byte[], byte[]> record) throws Rejection, SQLException;
}
