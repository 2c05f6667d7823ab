package io.hyphae.connect.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the four bridge connectors share: their version and how they hand their settings to their tasks. */
final class BridgeConnectors {

    private BridgeConnectors() {
    }

    static String version() {
        String v = BridgeConnectors.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@code count} copies of the settings, each with its task number (MQTT client ids are made unique with it). */
    static List<Map<String, String>> taskConfigs(Map<String, String> props, int count) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(TASK, Integer.toString(i));
            out.add(task);
        }
        return out;
    }

    static final String TASK = "bridge.task";
}
