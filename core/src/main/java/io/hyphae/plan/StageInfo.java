package io.hyphae.plan;

import java.util.List;

/** One stage as checked: its type, its topic and where its events go next (for describe and docs). */
public record StageInfo(String route, String stage, String type, String topic, List<String> destinations) {
}
