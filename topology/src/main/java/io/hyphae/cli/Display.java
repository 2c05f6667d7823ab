package io.hyphae.cli;

import io.hyphae.format.Formats;
import io.hyphae.format.avro.AvroFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RouteFile;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Record values as a person reads them: Avro records as JSON, everything else as UTF-8 text. */
final class Display {

    private final Optional<AvroFormat> avro;

    Display(RouteFile routes) {
        this.avro = routes.usesAvro() && routes.registry().url().isPresent()
                ? Optional.of((AvroFormat) new Formats(routes.registry()).of(Format.AVRO, Optional.empty()))
                : Optional.empty();
    }

    String text(String topic, byte[] value) {
        if (value == null) {
            return "null";
        }
        if (avro.isPresent() && AvroFormat.schemaId(value).isPresent()) {
            try {
                return new String(Formats.json().encode(topic, avro.get().decode(topic, value)), StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                // not decodable (a dead letter, say): show the bytes as they are
            }
        }
        return new String(value, StandardCharsets.UTF_8);
    }
}
