package io.hyphae.connect.cdc;

import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.HttpSchemaRegistry;
import io.hyphae.route.RegistrySettings;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;
import java.util.Optional;

/** The table's value encoding: JSON, or Avro with the table's schema (when it declares one, else derived from the row). */
abstract class RowFormat {

    abstract byte[] encode(String topic, Map<String, Object> row);

    static RowFormat json() {
        PayloadFormat json = Formats.json();
        return new RowFormat() {
            @Override
            byte[] encode(String topic, Map<String, Object> row) {
                return json.encode(topic, row);
            }
        };
    }

    static RowFormat avro(RegistrySettings registry, String schemaText) {
        Schema schema;
        try {
            schema = schemaText.isBlank() ? null : new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException e) {
            throw new ConfigException(TableRowEncoder.SCHEMA, "(schema)", "not a valid Avro schema: " + e.getMessage());
        }
        AvroFormat avro = new AvroFormat(new HttpSchemaRegistry(registry), Optional.ofNullable(schema), registry.subjectStrategy(),
                registry.autoRegister());
        return new RowFormat() {
            @Override
            byte[] encode(String topic, Map<String, Object> row) {
                return schema == null ? avro.encode(topic, row) : avro.encode(topic, schema, row);
            }
        };
    }
}
