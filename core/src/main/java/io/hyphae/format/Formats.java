package io.hyphae.format;

import io.hyphae.format.avro.AvroFormat;
import io.hyphae.format.avro.HttpSchemaRegistry;
import io.hyphae.format.avro.SchemaRegistry;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.SchemaSource;
import org.apache.avro.Schema;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one place that maps a declared {@link Format} to its implementation. The schema registry client
 * is created on first use, so validating or describing a route file never connects to anything.
 */
public final class Formats {

    private static final JsonFormat JSON = new JsonFormat();

    private final RegistrySettings settings;
    private final Supplier<SchemaRegistry> registrySupplier;
    private SchemaRegistry registry;

    public Formats(RegistrySettings settings) {
        this(settings, () -> {
            if (settings.url().isEmpty()) {
                throw new IllegalStateException("format avro needs a schema registry: set registry.url or --registry-url");
            }
            return new HttpSchemaRegistry(settings);
        });
    }

    public Formats(RegistrySettings settings, Supplier<SchemaRegistry> registry) {
        this.settings = settings;
        this.registrySupplier = registry;
    }

    public static JsonFormat json() {
        return JSON;
    }

    public PayloadFormat of(Format format, Optional<SchemaSource> schema) {
        return switch (format) {
            case JSON -> JSON;
            case AVRO -> new AvroFormat(new LazyRegistry(), schema.map(s -> new Schema.Parser().parse(s.text())),
                    settings.subjectStrategy(), settings.autoRegister());
        };
    }

    synchronized SchemaRegistry registry() {
        if (registry == null) {
            registry = registrySupplier.get();
        }
        return registry;
    }

    /** Defers the registry client to the first record, on whichever thread gets there. */
    private final class LazyRegistry implements SchemaRegistry {
        @Override
        public int register(String subject, Schema schema) {
            return registry().register(subject, schema);
        }

        @Override
        public Optional<Integer> lookup(String subject, Schema schema) {
            return registry().lookup(subject, schema);
        }

        @Override
        public Schema byId(int id) {
            return registry().byId(id);
        }

        @Override
        public Optional<Schema> latest(String subject) {
            return registry().latest(subject);
        }

        @Override
        public java.util.List<String> subjects() {
            return registry().subjects();
        }

        @Override
        public Optional<Boolean> compatible(String subject, Schema schema) {
            return registry().compatible(subject, schema);
        }
    }
}
