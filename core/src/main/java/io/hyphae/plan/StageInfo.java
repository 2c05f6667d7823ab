package io.hyphae.plan;

import java.util.List;

/**
 * One stage as checked: its type, its topic and where its events go next, its state stores (their names in the
 * application) and its other output topics (for describe and docs).
 */
public record StageInfo(String route, String stage, String type, String topic, List<String> destinations, List<String> stores,
                        List<String> outputs) {
}
