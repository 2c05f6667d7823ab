package io.hyphae.format.avro;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/** What Hyphae asks of a Confluent-compatible schema registry. Implementations cache: one call per new schema. */
public interface SchemaRegistry {

    /** Registers the schema under the subject (or finds it registered) and returns its id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject, without registering it. */
    Optional<Integer> lookup(String subject, Schema schema);

    Schema byId(int id);

    Optional<Schema> latest(String subject);

    List<String> subjects();

    /** Whether the registry would accept the schema as the subject's next version; empty if it cannot tell. */
    Optional<Boolean> compatible(String subject, Schema schema);
}
