package io.hyphae.stage.enrich;

import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.Keys;
import io.hyphae.format.PayloadFormat;
import io.hyphae.format.Values;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.stage.BuildContext;
import io.hyphae.event.Event;
import io.hyphae.stage.Outcome;
import io.hyphae.spec.StageSpec;
import io.hyphae.stage.StageBuilder;
import io.hyphae.stage.StageCounter;
import io.hyphae.stage.StageLogic;
import io.hyphae.stage.StageRuntime;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

public final class EnrichBuilder implements StageBuilder<EnrichDefinition> {

    @Override
    public StageSpec<EnrichDefinition> spec() {
        return EnrichSpec.INSTANCE;
    }

    @Override
    public Supplier<StageLogic> build(EnrichDefinition definition, BuildContext context) {
        CompiledExpression key = context.expression(definition.key());
        TableDefinition table = context.table(definition.table());
        String store = context.store(table);
        PayloadFormat rowFormat = context.format(table);
        // One instance per task: it holds that task's store.
        return () -> new EnrichLogic(store, key, table, rowFormat, definition.as(), definition.onMiss());
    }

    private static final class EnrichLogic implements StageLogic {
        private final String storeName;
        private final CompiledExpression key;
        private final TableDefinition table;
        private final PayloadFormat rowFormat;
        private final String as;
        private final OnMiss onMiss;
        private ReadOnlyKeyValueStore<Bytes, byte[]> store;
        private StageCounter misses;

        EnrichLogic(String storeName, CompiledExpression key, TableDefinition table, PayloadFormat rowFormat, String as, OnMiss onMiss) {
            this.storeName = storeName;
            this.key = key;
            this.table = table;
            this.rowFormat = rowFormat;
            this.as = as;
            this.onMiss = onMiss;
        }

        @Override
        public void init(StageRuntime runtime) {
            store = runtime.table(storeName);
            misses = runtime.counter("enrich-miss");
        }

        @Override
        public Outcome apply(Event event) {
            // A partitioned join computed the key before repartitioning; a global join computes it here.
            byte[] lookup = event.joinKey() != null ? event.joinKey() : Keys.encode(key.evaluate(event), table.keyFormat());
            if (lookup != null && lookup.length == 0) {
                lookup = null;
            }
            byte[] row = lookup == null ? null : store.get(Bytes.wrap(lookup));
            Object enrichment;
            if (row == null) {
                misses.increment();
                switch (onMiss) {
                    case DROP:
                        return Outcome.DROP;
                    case DEAD_LETTER:
                        return Outcome.deadLetter("enrich miss: no row in table '" + table.name() + "' for key "
                                + (lookup == null ? "null" : "'" + new String(lookup, StandardCharsets.UTF_8) + "'"));
                    default:
                        enrichment = Values.NULL;
                }
            } else {
                enrichment = rowFormat.decode(table.topic(), row);
            }
            Map<String, Object> value = Values.with(event.value(), List.of(as), enrichment);
            event.value(value);
            return Outcome.CONTINUE;
        }
    }
}
