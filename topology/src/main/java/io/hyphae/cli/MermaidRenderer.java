package io.hyphae.cli;

import io.hyphae.route.RouteDefinition;
import io.hyphae.route.TableDefinition;
import io.hyphae.route.TableMode;
import io.hyphae.runtime.CompiledApplication;
import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicNames;
import io.hyphae.stage.enrich.EnrichDefinition;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Mermaid flowchart of the routes: input topics feed the first stage, stages feed each other in
 * memory, every stage writes its topic (dotted edges), tables feed enrich stages, routers feed
 * destination topics, which may be other routes' inputs.
 */
final class MermaidRenderer {

    private MermaidRenderer() {
    }

    static String render(CompiledApplication app) {
        StringBuilder out = new StringBuilder("flowchart LR\n");
        Set<String> topicNodes = new LinkedHashSet<>();
        for (TableDefinition table : app.file().tables().values()) {
            out.append("  ").append(id("table", table.name())).append("[(\"table ").append(table.name()).append("<br/>")
                    .append(table.topic()).append(table.mode() == TableMode.PARTITIONED ? " (partitioned)" : " (global)").append("\")]\n");
        }
        for (RouteDefinition route : app.file().routes().values()) {
            out.append("  subgraph ").append(id("route", route.name())).append("[\"route ").append(route.name()).append("\"]\n");
            for (StageInfo stage : app.stages()) {
                if (stage.route().equals(route.name())) {
                    out.append("    ").append(stageId(stage.route(), stage.stage())).append("[\"").append(stage.stage())
                            .append("<br/><i>").append(stage.type()).append("</i>\"]\n");
                }
            }
            out.append("  end\n");
        }
        for (RouteDefinition route : app.file().routes().values()) {
            if (route.stages().isEmpty()) {
                continue;
            }
            topic(out, topicNodes, route.from());
            edge(out, id("topic", route.from()), "-->", stageId(route.name(), route.stages().get(0).name()));
            route.stages().stream().filter(s -> s instanceof EnrichDefinition).map(s -> (EnrichDefinition) s).forEach(e ->
                    out.append("  ").append(id("table", e.table())).append(" -. ").append(e.as()).append(" .-> ")
                            .append(stageId(route.name(), e.name())).append('\n'));
            String dlq = TopicNames.deadLetter(app.file().application(), route.name());
            topic(out, topicNodes, dlq);
            out.append("  ").append(id("route", route.name())).append(" -. failures .-> ").append(id("topic", dlq)).append('\n');
        }
        for (StageInfo stage : app.stages()) {
            String from = stageId(stage.route(), stage.stage());
            topic(out, topicNodes, stage.topic());
            edge(out, from, "-.->", id("topic", stage.topic()));
            for (String output : stage.outputs()) {
                topic(out, topicNodes, output);
                edge(out, from, "-.->", id("topic", output));
            }
            for (String store : stage.stores()) {
                out.append("  ").append(id("store", store)).append("[(\"store ").append(store.substring(store.lastIndexOf('.') + 1))
                        .append("\")]\n");
                out.append("  ").append(from).append(" <-.-> ").append(id("store", store)).append('\n');
            }
            boolean router = stage.type().equals("route");
            for (String next : stage.destinations()) {
                if (router) {
                    topic(out, topicNodes, next);
                    edge(out, from, "-->", id("topic", next));
                } else {
                    edge(out, from, "-->", stageId(stage.route(), next));
                }
            }
        }
        return out.toString();
    }

    private static void topic(StringBuilder out, Set<String> seen, String topic) {
        if (seen.add(topic)) {
            out.append("  ").append(id("topic", topic)).append("[/\"").append(topic).append("\"/]\n");
        }
    }

    private static void edge(StringBuilder out, String from, String arrow, String to) {
        out.append("  ").append(from).append(' ').append(arrow).append(' ').append(to).append('\n');
    }

    private static String stageId(String route, String stage) {
        return id("stage", route + "." + stage);
    }

    static String id(String kind, String name) {
        return kind + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }
}
