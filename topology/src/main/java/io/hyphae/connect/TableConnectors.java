package io.hyphae.connect;

import io.hyphae.connect.cdc.TableSourceConnectorConfig;
import io.hyphae.route.RouteFile;
import io.hyphae.route.TableDefinition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kafka Connect connectors a route file implies for its tables fed from a database (one per table source). */
public final class TableConnectors {

    private TableConnectors() {
    }

    /** The tables that declare a source, in file order. */
    public static List<TableDefinition> sourced(RouteFile file) {
        return file.tables().values().stream().filter(t -> t.source().isPresent()).toList();
    }

    /** Connector name to configuration, in file order; {@code withSecrets} false masks passwords, for printing. */
    public static Map<String, Map<String, String>> render(RouteFile file, boolean withSecrets) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (TableDefinition t : sourced(file)) {
            out.put(TableSourceConnectorConfig.connector(file, t), TableSourceConnectorConfig.render(file, t, withSecrets));
        }
        return out;
    }
}
